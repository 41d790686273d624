// A scenario's traffic as a Mermaid flowchart, drawn from the Istio objects the program deploys
// (the catalog's resources, or a render's objects): where requests enter (the ingress gateway, or
// the Service a client calls), which subsets receive them with which weights and matches, and the
// faults, timeouts, retries, mirrors and traffic policies on the way.
import type { Destination, DestinationRuleSpec, HTTPRoute, HTTPRouteDestination, IstioKind, IstioResource, TrafficPolicy, VirtualServiceSpec } from "../../catalog/istio-resources";
import { apiVersions, serviceName } from "../../catalog/istio-resources";
import { gatewayApiVersions, type GatewayApiResource } from "../../catalog/gateway-api-resources";
import type { RenderedResource } from "./mock-engine";

export interface TrafficEdge {
  /** `gateway:<name>` or `service:<name>`. */
  from: string;
  /** `<service>` or `<service>/<subset>`. */
  to: string;
  /** Match, weight, fault, timeout and retries of the route, in that order. */
  label: string[];
  mirror: boolean;
}

export interface TrafficNode {
  id: string;
  text: string[];
}

export interface Traffic {
  nodes: TrafficNode[];
  edges: TrafficEdge[];
}

const percent = (value: number) => `${value}%`;

/** A route's matches: the conditions of one match hold together, any one match selects the route. */
function matchText(route: HTTPRoute): string[] {
  const matches = (route.match ?? []).map((m) =>
    [
      ...(m.port ? [`port ${m.port}`] : []),
      ...(m.uri ? [`uri ${Object.entries(m.uri).map(([how, v]) => `${how} ${v}`).join("")}`] : []),
      ...Object.entries(m.headers ?? {}).map(([name, v]) => `${name} ${Object.entries(v).map(([how, text]) => `${how === "exact" ? "=" : how} ${text}`).join("")}`),
    ].join(" and "),
  );
  return matches.length > 0 ? [matches.join(" or ")] : [];
}

function routeNotes(route: HTTPRoute): string[] {
  const notes: string[] = [];
  const { delay, abort } = route.fault ?? {};
  if (delay) notes.push(`delay ${delay.fixedDelay} for ${percent(delay.percentage.value)}`);
  if (abort) notes.push(`abort ${abort.httpStatus} for ${percent(abort.percentage.value)}`);
  if (route.timeout) notes.push(`timeout ${route.timeout}`);
  if (route.retries) notes.push(`retries ${route.retries.attempts}${route.retries.perTryTimeout ? ` x ${route.retries.perTryTimeout}` : ""}${route.retries.retryOn ? ` on ${route.retries.retryOn}` : ""}`);
  return notes;
}

function policyText(policy: TrafficPolicy | undefined): string[] {
  if (!policy) return [];
  const out: string[] = [];
  const hash = policy.loadBalancer?.consistentHash;
  if (hash) {
    out.push(
      `hash by ${hash.httpHeaderName ? `header ${hash.httpHeaderName}` : hash.httpCookie ? `cookie ${hash.httpCookie.name}` : hash.useSourceIp ? "source IP" : `query ${hash.httpQueryParameterName}`}`,
    );
  } else if (policy.loadBalancer?.simple) out.push(policy.loadBalancer.simple);
  const locality = policy.loadBalancer?.localityLbSetting;
  if (locality?.enabled) {
    for (const f of locality.failover ?? []) out.push(`failover ${f.from} -> ${f.to}`);
    for (const d of locality.distribute ?? []) out.push(`from ${d.from}: ${Object.entries(d.to).map(([to, w]) => `${to} ${percent(w)}`).join(", ")}`);
  }
  const pool = policy.connectionPool;
  if (pool?.tcp?.maxConnections !== undefined) out.push(`max ${pool.tcp.maxConnections} connections`);
  if (pool?.http?.http1MaxPendingRequests !== undefined) out.push(`max ${pool.http.http1MaxPendingRequests} pending`);
  const outlier = policy.outlierDetection;
  if (outlier?.consecutive5xxErrors !== undefined) out.push(`eject after ${outlier.consecutive5xxErrors} x 5xx`);
  if (policy.tls) out.push(`tls ${policy.tls.mode}`);
  return out;
}

/** One rule of a VirtualService as the diagram draws it: its sources, destinations and labels. */
interface DrawnRule {
  route: HTTPRouteDestination[];
  labels: string[];
  from: string[];
  notes?: string[];
  mirror?: Destination;
  mirrorPercent?: number;
}

/** A node for a host: a Service by its short name (`reviews`, `istio-egressgateway`), a host outside the mesh whole (`edition.cnn.com`). */
const hostId = (host: string) => (!host.includes(".") || /\.svc(\.cluster\.local)?$/.test(host) ? serviceName(host) : host);

/**
 * The Gateway API form's routes as edges: from the Gateway or Service each route's parentRefs name,
 * to the Services its backendRefs name (a per-version one, `reviews-v1`, for a subset).
 */
function gatewayApiEdges(objects: readonly GatewayApiResource[], sources: Map<string, string[]>, destinations: Set<string>, edges: TrafficEdge[]): void {
  const gateways = new Map(objects.flatMap((o) => (o.kind === "Gateway" ? [[o.name, o.spec]] : [])));
  for (const route of objects) {
    if (route.kind === "Gateway") continue;
    const from = route.spec.parentRefs.map((p) => ("kind" in p ? `service:${p.name}` : `gateway:${p.name}`));
    for (const [i, parent] of route.spec.parentRefs.entries()) {
      const listeners = "kind" in parent ? [] : (gateways.get(parent.name)?.listeners ?? []);
      const hosts = route.kind === "HTTPRoute" && route.spec.hostnames ? route.spec.hostnames : listeners.map((l) => l.hostname ?? "*");
      sources.set(from[i], "kind" in parent ? [`clients of ${parent.name}`] : [`Gateway ${parent.name}`, `hosts ${[...new Set(hosts)].join(", ") || "*"}`]);
    }
    for (const rule of route.spec.rules) {
      const matches = "matches" in rule && rule.matches ? [rule.matches.map((m) => [...(m.path ? [`path ${m.path.type} ${m.path.value}`] : []), ...(m.headers ?? []).map((h) => `${h.name} = ${h.value}`)].join(" and ")).join(" or ")] : [];
      const notes = "timeouts" in rule && rule.timeouts ? [`timeout ${rule.timeouts.request}`] : [];
      const kind = route.kind === "TCPRoute" ? ["tcp"] : [];
      for (const source of from) {
        for (const backend of rule.backendRefs) {
          destinations.add(backend.name);
          const weight = rule.backendRefs.length > 1 ? [percent(backend.weight ?? 1)] : [];
          edges.push({ from: source, to: backend.name, label: [...kind, ...matches, ...weight, ...notes], mirror: false });
        }
        for (const filter of "filters" in rule ? (rule.filters ?? []) : []) {
          destinations.add(filter.requestMirror.backendRef.name);
          edges.push({ from: source, to: filter.requestMirror.backendRef.name, label: [`mirror ${percent(filter.requestMirror.percent ?? 100)}`], mirror: true });
        }
      }
    }
  }
}

/** The routes and destinations of a scenario's Istio objects, and of its Gateway API form's. */
export function trafficOf(resources: readonly IstioResource[], gatewayApi: readonly GatewayApiResource[] = []): Traffic {
  const rules = new Map<string, DestinationRuleSpec>();
  for (const r of resources) if (r.kind === "DestinationRule") rules.set(hostId(r.spec.host), r.spec);
  const edges: TrafficEdge[] = [];
  const destinations = new Set<string>();
  const sources = new Map<string, string[]>();
  const destinationId = (host: string, subset?: string) => (subset ? `${hostId(host)}/${subset}` : hostId(host));
  for (const r of resources) {
    if (r.kind !== "VirtualService") continue;
    const spec: VirtualServiceSpec = r.spec;
    // Where the routes apply: each bound gateway, and the sidecars (`mesh`, or no gateways at all) as the clients of each host.
    const sourcesOf = (gateways: readonly string[]) => gateways.flatMap((g) => (g === "mesh" ? spec.hosts.map((h) => `service:${hostId(h)}`) : [`gateway:${g}`]));
    const from = sourcesOf(spec.gateways ?? ["mesh"]);
    for (const source of from) sources.set(source, source.startsWith("gateway:") ? [`gateway ${source.slice(8)}`, `hosts ${spec.hosts.join(", ")}`] : [`clients of ${source.slice(8)}`]);
    // HTTP rules with their matches and policies; TLS rules by SNI name; TCP rules by the port a connection arrives on.
    const rules: DrawnRule[] = [
      ...(spec.http ?? []).map((http) => ({
        route: http.route,
        labels: matchText(http),
        notes: routeNotes(http),
        mirror: http.mirror,
        mirrorPercent: http.mirrorPercentage?.value,
        // A rule whose every match names gateways applies to those only.
        from: http.match?.length && http.match.every((m) => m.gateways) ? sourcesOf(http.match.flatMap((m) => m.gateways!)) : from,
      })),
      ...(spec.tls ?? []).map((tls) => ({ route: tls.route, labels: [`tls sni ${tls.match.flatMap((m) => m.sniHosts).join(" or ")}`], from })),
      ...(spec.tcp ?? []).map((tcp) => {
        const ports = (tcp.match ?? []).flatMap((m) => (m.port ? [m.port] : []));
        return { route: tcp.route, labels: [ports.length > 0 ? `tcp port ${ports.join(" or ")}` : "tcp"], from };
      }),
    ];
    for (const rule of rules) {
      for (const source of rule.from) {
        for (const dest of rule.route) {
          const to = destinationId(dest.destination.host, dest.destination.subset);
          destinations.add(to);
          const weight = rule.route.length > 1 || (dest.weight !== undefined && dest.weight !== 100) ? [percent(dest.weight ?? 0)] : [];
          edges.push({ from: source, to, label: [...rule.labels, ...weight, ...(rule.notes ?? [])], mirror: false });
        }
        if (rule.mirror) {
          const to = destinationId(rule.mirror.host, rule.mirror.subset);
          destinations.add(to);
          edges.push({ from: source, to, label: [`mirror ${percent(rule.mirrorPercent ?? 100)}`], mirror: true });
        }
      }
    }
  }
  gatewayApiEdges(gatewayApi, sources, destinations, edges);
  // A Service with a DestinationRule and no route of its own still shows its policy, reached by
  // its clients through the Service.
  for (const [service] of rules) {
    if ([...destinations].some((d) => d.split("/")[0] === service)) continue;
    sources.set(`service:${service}`, [`clients of ${service}`]);
    destinations.add(service);
    edges.push({ from: `service:${service}`, to: service, label: [], mirror: false });
  }
  const nodes: TrafficNode[] = [...sources].map(([id, text]) => ({ id, text }));
  for (const to of destinations) {
    const [service, subset] = to.split("/");
    const rule = rules.get(service);
    const subsetPolicy = subset ? rule?.subsets?.find((s) => s.name === subset)?.trafficPolicy : undefined;
    nodes.push({ id: to, text: [subset ? `${service} ${subset}` : service, ...policyText(rule?.trafficPolicy), ...policyText(subsetPolicy)] });
  }
  for (const r of resources) {
    if (r.kind === "PeerAuthentication") nodes.push({ id: `policy:${r.name}`, text: [`PeerAuthentication ${r.name}`, `mTLS ${r.spec.mtls.mode}`] });
    if (r.kind === "ServiceEntry") nodes.push({ id: `external:${r.name}`, text: [`ServiceEntry ${r.name}`, ...r.spec.hosts.map((h) => `${h}:${r.spec.ports.map((p) => p.number).join(",")} (${r.spec.location ?? "MESH_EXTERNAL"})`)] });
    if (r.kind === "Sidecar") nodes.push({ id: `policy:${r.name}`, text: [`Sidecar ${r.name}`, `outbound ${r.spec.outboundTrafficPolicy.mode}`] });
    if (r.kind === "RequestAuthentication") {
      const selector = Object.entries(r.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(", ") || "the whole namespace";
      nodes.push({ id: `policy:${r.name}`, text: [`RequestAuthentication ${r.name}`, `JWTs of ${r.spec.jwtRules.map((j) => j.issuer).join(", ")} on ${selector}${r.inGatewayNamespace ? " (gateway namespace)" : ""}`] });
    }
    if (r.kind === "AuthorizationPolicy") {
      const selector = Object.entries(r.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(", ") || "the whole namespace";
      const ops = (r.spec.rules ?? []).flatMap((rule) => (rule.to ?? []).flatMap((t) => t.operation.methods ?? [])).join(" ");
      const from = (r.spec.rules ?? []).flatMap((rule) => (rule.from ?? []).flatMap((f) => (f.source.principals ?? []).map((p) => p.split("/sa/").pop()!)));
      nodes.push({
        id: `policy:${r.name}`,
        text: [`AuthorizationPolicy ${r.name}`, `${r.spec.action ?? "ALLOW"} ${ops || (r.spec.rules ? "all" : "nothing")} on ${selector}`, ...(from.length > 0 ? [`from ${from.join(", ")}`] : [])],
      });
    }
  }
  return { nodes, edges };
}

const mermaidId = (id: string) => id.replace(/[^A-Za-z0-9]/g, "_");
const mermaidText = (lines: string[]) => `"${lines.map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;

/** The flowchart, left to right: sources as stadiums, destinations as boxes, mirrors dotted. */
export function trafficDiagram(resources: readonly IstioResource[], gatewayApi: readonly GatewayApiResource[] = []): string {
  const { nodes, edges } = trafficOf(resources, gatewayApi);
  const lines = ["flowchart LR"];
  for (const node of nodes) {
    const text = mermaidText(node.text);
    lines.push(`  ${mermaidId(node.id)}${node.id.includes(":") ? `([${text}])` : `[${text}]`}`);
  }
  for (const edge of edges) {
    const arrow = edge.mirror ? "-.->" : "-->";
    lines.push(`  ${mermaidId(edge.from)} ${arrow}${edge.label.length > 0 ? `|${mermaidText(edge.label)}|` : ""} ${mermaidId(edge.to)}`);
  }
  return lines.join("\n");
}

/** The Istio objects of a render (a stack's scenario as the program registers it). */
export function istioObjectsOf(resources: readonly RenderedResource[]): IstioResource[] {
  return resources.flatMap((r) => {
    const kind = r.inputs.kind as IstioKind | undefined;
    if (!kind || apiVersions[kind] === undefined || r.inputs.apiVersion !== apiVersions[kind]) return [];
    return [{ kind, name: (r.inputs.metadata as { name: string }).name, spec: r.inputs.spec } as IstioResource];
  });
}

/** Whether a rendered resource is one of the Istio objects a diagram draws. */
/** The Gateway API objects of a render (a stack's scenario in that form). */
export function gatewayApiObjectsOf(resources: readonly RenderedResource[]): GatewayApiResource[] {
  return resources.flatMap((r) => {
    const kind = r.inputs.kind as GatewayApiResource["kind"] | undefined;
    if (!kind || gatewayApiVersions[kind] === undefined || r.inputs.apiVersion !== gatewayApiVersions[kind]) return [];
    return [{ kind, name: (r.inputs.metadata as { name: string }).name, spec: r.inputs.spec } as GatewayApiResource];
  });
}

/** An object the traffic diagram draws: an Istio one, or one of the Gateway API form. */
export const isIstioObject = (r: RenderedResource) => istioObjectsOf([r]).length > 0 || gatewayApiObjectsOf([r]).length > 0;
