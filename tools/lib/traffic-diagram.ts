// A scenario's traffic as a Mermaid flowchart: the path a request takes through the app's call
// graph (catalog/apps: which version calls which Service, as Bookinfo's architecture picture and
// Kiali's graph show it), entering at the ingress gateway or at the in-mesh client the scenario's
// probes send from, with the scenario's rules on its edges: matches, weights, faults, timeouts,
// retries, mirrors (dotted), and each destination's traffic policy and policies on its box. Drawn
// from the objects the program deploys (the catalog's, or a render's: a lab's hosts as it serves them).
import type { AppSpec } from "../../catalog/apps/app-spec";
import { apps as catalogApps, selectApps } from "../../catalog/apps";
import type { Destination, DestinationRuleSpec, HTTPRoute, HTTPRouteDestination, IstioKind, IstioResource, TrafficPolicy, VirtualServiceSpec } from "../../catalog/istio-resources";
import { apiVersions, serviceName } from "../../catalog/istio-resources";
import { gatewayApiVersions, type BackendRef, type GatewayApiResource, type HTTPRouteRule, type VersionService } from "../../catalog/gateway-api-resources";
import type { Probe } from "../../catalog/scenarios/probes";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import type { RenderedResource } from "./mock-engine";

/** One Deployment of an app: its pods' labels and whom it calls. */
export interface SceneWorkload {
  deployment: string;
  version?: string;
  labels: Record<string, string>;
  /** Services by app name; undefined where the catalog does not know (your own services). */
  calls?: readonly string[];
}

export interface SceneApp {
  app: string;
  /** A client (curl, fortio): a source of requests, never a destination. */
  client: boolean;
  workloads: SceneWorkload[];
}

/** What a diagram is drawn from: the objects deployed, the apps running, and where the probes send from. */
export interface Scene {
  istio: readonly IstioResource[];
  gatewayApi: readonly GatewayApiResource[];
  /** The Gateway API form's per-version Services (`reviews-v1`), which its backendRefs name. */
  versionServices: readonly Pick<VersionService, "name" | "app" | "selector">[];
  apps: readonly SceneApp[];
  /** The scenario's probes: the in-mesh clients and what they call. */
  probes: readonly Probe[];
}

export type NodeKind = "gateway" | "client" | "workload" | "host" | "note";

export interface TrafficNode {
  /**
   * `gateway:<name>`, `client:<deployment>` (an in-mesh client of the probes), `client:outside-mesh`,
   * `clients:<service>` (in-mesh callers the catalog does not name), `<app>/<version>` or `<app>`
   * (a workload), `host:<host>` (outside the mesh, or nothing deployed), `note:namespace`.
   */
  id: string;
  kind: NodeKind;
  text: string[];
  /** `service:<app>`: the box of the app's Service, where it runs more than one version. */
  service?: string;
  /** No request of the scenario reaches it. */
  idle: boolean;
}

/** The box of a Service with several versions: what an edge without a subset reaches (any of them). */
export interface TrafficService {
  id: string;
  text: string[];
  members: string[];
}

export interface TrafficEdge {
  /** A node's id. */
  from: string;
  /** A node's id, or `service:<app>` for the Service's box. */
  to: string;
  /** What the request carries and the rule that took it: match, weight, fault, timeout and retries, in that order. */
  label: string[];
  mirror: boolean;
  /** Its caller receives no request of the scenario: the call it would make. */
  idle: boolean;
}

export interface Traffic {
  nodes: TrafficNode[];
  services: TrafficService[];
  edges: TrafficEdge[];
}

const percent = (value: number) => `${value}%`;

/** A Service's host (`reviews`, `helloworld.<namespace>.svc.cluster.local`), not one outside the cluster. */
const isServiceHost = (host: string) => !host.includes(".") || /\.svc(\.cluster\.local)?$/.test(host);

/** A host by its Service's short name (`reviews`, `istio-egressgateway`), a host outside the mesh whole (`edition.cnn.com`). */
const hostId = (host: string) => (isServiceHost(host) ? serviceName(host) : host);

/** A route's matches: the conditions of one match hold together, any one match selects the route. */
function matchText(route: HTTPRoute): string[] {
  const matches = (route.match ?? []).map((m) =>
    [
      ...(m.port ? [`port ${m.port}`] : []),
      ...(m.uri ? [`uri ${Object.entries(m.uri).map(([how, v]) => `${how} ${v}`).join("")}`] : []),
      ...Object.entries(m.headers ?? {}).map(([name, v]) => `${name} ${Object.entries(v).map(([how, text]) => `${how === "exact" ? "=" : how} ${text}`).join("")}`),
    ].join(" and "),
  );
  return matches.some((m) => m !== "") ? [matches.join(" or ")] : [];
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
  for (const p of policy.portLevelSettings ?? []) if (p.tls) out.push(`port ${p.port.number}: tls ${p.tls.mode}`);
  return out;
}

const labelsText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ");

/** A policy of the security and extension APIs in one line, as its selected workloads carry it. */
function policyLine(r: IstioResource): string | undefined {
  switch (r.kind) {
    case "PeerAuthentication":
      return `PeerAuthentication ${r.name}: mTLS ${r.spec.mtls.mode}`;
    case "Sidecar":
      return `Sidecar ${r.name}: outbound ${r.spec.outboundTrafficPolicy.mode}`;
    case "RequestAuthentication":
      return `RequestAuthentication ${r.name}: JWTs of ${r.spec.jwtRules.map((j) => j.issuer).join(", ")}`;
    case "AuthorizationPolicy": {
      const rules = r.spec.rules ?? [];
      const ops = rules.flatMap((rule) =>
        (rule.to ?? []).flatMap((t) => [...(t.operation.methods ?? []), ...(t.operation.paths ?? []), ...(t.operation.ports ? [`ports ${t.operation.ports.join(", ")}`] : [])]),
      );
      const from = rules.flatMap((rule) =>
        (rule.from ?? []).flatMap((f) => [...(f.source.principals ?? []).map((p) => p.split("/sa/").pop()!), ...(f.source.requestPrincipals ?? []).map((p) => `a JWT of ${p.split("/")[0]}`)]),
      );
      const when = rules.flatMap((rule) => (rule.when ?? []).map((w) => (w.values ? `${w.key} = ${w.values.join(" or ")}` : `${w.key} not ${(w.notValues ?? []).join(" or ")}`)));
      const what = ops.length > 0 ? ops.join(" ") : rules.length > 0 ? "all" : "nothing";
      return `AuthorizationPolicy ${r.name}: ${r.spec.action ?? "ALLOW"} ${what}${from.length > 0 ? ` from ${[...new Set(from)].join(", ")}` : ""}${when.length > 0 ? ` when ${when.join(" and ")}` : ""}`;
    }
    case "EnvoyFilter": {
      const filters = r.spec.configPatches.map((patch) => {
        const value = (patch.patch as { value?: { name?: string; typed_config?: { value?: { token_bucket?: { max_tokens?: number; fill_interval?: string } } } } } | undefined)?.value;
        const context = (patch.match as { context?: string } | undefined)?.context;
        const bucket = value?.typed_config?.value?.token_bucket;
        return `${(value?.name ?? String(patch.applyTo)).split(".").pop()}${context ? ` (${context})` : ""}${bucket ? `: ${bucket.max_tokens} requests per ${bucket.fill_interval}` : ""}`;
      });
      return `EnvoyFilter ${r.name}: ${filters.join(", ")}`;
    }
    default:
      return undefined;
  }
}

/** One routing rule as the diagram draws it: where it sends, and what its edges say. */
interface DrawnRule {
  route: { to: string; weight?: string }[];
  labels: string[];
  notes: string[];
  mirror?: { to: string; percent: number };
}

/** The routes of a VirtualService as drawn rules; a catch-all after rules that match says "otherwise". */
function drawnRules(spec: VirtualServiceSpec, appliesTo: (gateways: readonly string[] | undefined) => boolean, resolve: (d: Destination) => string): DrawnRule[] {
  const split = (route: HTTPRouteDestination[]) =>
    route.map((d) => ({ to: resolve(d.destination), ...((route.length > 1 || (d.weight !== undefined && d.weight !== 100)) && { weight: percent(d.weight ?? 0) }) }));
  const http = (spec.http ?? []).filter((r) => appliesTo(r.match?.every((m) => m.gateways) ? r.match.flatMap((m) => m.gateways!) : undefined));
  return [
    ...http.map((r, i) => {
      const matches = matchText(r);
      const otherwise = matches.length === 0 && http.slice(0, i).some((earlier) => matchText(earlier).length > 0);
      return {
        route: split(r.route),
        labels: otherwise ? ["otherwise"] : matches,
        notes: routeNotes(r),
        ...(r.mirror && { mirror: { to: resolve(r.mirror), percent: r.mirrorPercentage?.value ?? 100 } }),
      };
    }),
    ...(spec.tls ?? []).map((tls) => ({ route: split(tls.route), labels: [`tls sni ${tls.match.flatMap((m) => m.sniHosts).join(" or ")}`], notes: [] })),
    ...(spec.tcp ?? []).map((tcp) => {
      const ports = (tcp.match ?? []).flatMap((m) => (m.port ? [m.port] : []));
      return { route: split(tcp.route), labels: [ports.length > 0 ? `tcp port ${ports.join(" or ")}` : "tcp"], notes: [] };
    }),
  ];
}

/** The rules of the Gateway API form's routes: from a Gateway, or for a Service's callers (GAMMA). */
function gatewayApiRules(objects: readonly GatewayApiResource[], parent: { gateway: string } | { service: string }, resolve: (name: string) => string): DrawnRule[] {
  const rules: DrawnRule[] = [];
  for (const route of objects) {
    if (route.kind === "Gateway") continue;
    const bound = route.spec.parentRefs.some((p) => ("kind" in p ? "service" in parent && p.name === parent.service : "gateway" in parent && p.name === parent.gateway));
    if (!bound) continue;
    const routeRules: readonly (HTTPRouteRule | { backendRefs: BackendRef[] })[] = route.spec.rules;
    routeRules.forEach((rule, i) => {
      const matchesOf = (r: HTTPRouteRule | { backendRefs: BackendRef[] }) =>
        "matches" in r && r.matches
          ? [r.matches.map((m) => [...(m.path ? [`path ${m.path.type} ${m.path.value}`] : []), ...(m.headers ?? []).map((h) => `${h.name} = ${h.value}`)].join(" and ")).join(" or ")]
          : [];
      // A rule without matches takes what the more specific ones do not.
      const otherwise = matchesOf(rule).length === 0 && routeRules.slice(0, i).some((earlier) => matchesOf(earlier).length > 0);
      const matches = otherwise ? ["otherwise"] : matchesOf(rule);
      const mirror = "filters" in rule ? rule.filters?.[0]?.requestMirror : undefined;
      rules.push({
        route: rule.backendRefs.map((b) => ({ to: resolve(b.name), ...(rule.backendRefs.length > 1 && { weight: percent(b.weight ?? 1) }) })),
        labels: [...(route.kind === "TCPRoute" ? ["tcp"] : []), ...matches],
        notes: "timeouts" in rule && rule.timeouts ? [`timeout ${rule.timeouts.request}`] : [],
        ...(mirror && { mirror: { to: resolve(mirror.backendRef.name), percent: mirror.percent ?? 100 } }),
      });
    });
  }
  return rules;
}

const ingressSelector = (selector: Record<string, string> | undefined) => selector?.istio === "ingressgateway";

/** The paths of a scene's requests through its apps, with the rules on the way. */
export function trafficOf(scene: Scene): Traffic {
  const { istio, gatewayApi } = scene;
  const nodes = new Map<string, TrafficNode>();
  const services = new Map<string, TrafficService>();
  const edges: TrafficEdge[] = [];
  const addNode = (node: Omit<TrafficNode, "idle">) => {
    if (!nodes.has(node.id)) nodes.set(node.id, { ...node, idle: false });
    return node.id;
  };
  const text = (id: string, ...lines: string[]) => {
    const target = services.get(id) ?? nodes.get(id);
    if (target) target.text.push(...lines.filter((l) => !target.text.includes(l)));
  };

  // Sources first: the gateways, as the request meets them.
  const gatewayApiGateways = gatewayApi.flatMap((o) => (o.kind === "Gateway" ? [o] : []));
  const gatewayOfService = new Map<string, string>();
  const ingressGateways: string[] = [];
  for (const r of istio) {
    if (r.kind !== "Gateway") continue;
    const role = ingressSelector(r.spec.selector) ? "ingress gateway" : r.spec.selector.istio === "egressgateway" ? "egress gateway" : `gateway of ${labelsText(r.spec.selector)}`;
    const servers = r.spec.servers.map((s) => `${s.port.protocol} ${s.port.number}${s.tls ? ` ${s.tls.mode}` : ""}: ${s.hosts.join(", ")}`);
    addNode({ id: `gateway:${r.name}`, kind: "gateway", text: [role, `Gateway ${r.name}`, ...servers] });
    if (ingressSelector(r.spec.selector)) ingressGateways.push(`gateway:${r.name}`);
    // The Service of the gateway's pods, as the mesh installs it (istio: egressgateway -> istio-egressgateway).
    if (r.spec.selector.istio) gatewayOfService.set(`istio-${r.spec.selector.istio}`, `gateway:${r.name}`);
  }
  for (const g of gatewayApiGateways) {
    const ingress = g.spec.addresses?.some((a) => hostId(a.value) === "istio-ingressgateway");
    addNode({ id: `gateway:${g.name}`, kind: "gateway", text: [ingress ? "ingress gateway" : "gateway", `Gateway ${g.name} (Gateway API)`, ...g.spec.listeners.map((l) => `${l.protocol} ${l.port}: ${l.hostname ?? "*"}`)] });
    if (ingress) ingressGateways.push(`gateway:${g.name}`);
  }

  // The apps: a box per workload, inside its Service's box where it runs several versions.
  const appsByName = new Map(scene.apps.filter((a) => !a.client).map((a) => [a.app, a]));
  const workloadId = (app: SceneApp, w: SceneWorkload) => (w.version ? `${app.app}/${w.version}` : app.app);
  const serviceNodes = new Map<string, string>();
  for (const app of appsByName.values()) {
    const service = app.workloads.length > 1 ? `service:${app.app}` : undefined;
    if (service) services.set(service, { id: service, text: [app.app], members: app.workloads.map((w) => workloadId(app, w)) });
    for (const w of app.workloads) addNode({ id: workloadId(app, w), kind: "workload", text: [w.version ? `${app.app} ${w.version}` : app.app], ...(service && { service }) });
    serviceNodes.set(app.app, service ?? workloadId(app, app.workloads[0]));
  }
  const versionServices = new Map(scene.versionServices.map((v) => [v.name, v]));
  const serviceEntries = istio.flatMap((r) => (r.kind === "ServiceEntry" ? [r] : []));
  const destinationRules = new Map<string, DestinationRuleSpec>();
  for (const r of istio) if (r.kind === "DestinationRule") destinationRules.set(hostId(r.spec.host), r.spec);

  /** The workloads of an app whose labels hold every one of `labels`. */
  const selected = (app: SceneApp, labels: Record<string, string>) => app.workloads.filter((w) => Object.entries(labels).every(([k, v]) => w.labels[k] === v)).map((w) => workloadId(app, w));
  /** A node or Service box standing for a set of an app's workloads. */
  const standFor = (app: SceneApp, ids: string[]) => (ids.length === app.workloads.length ? serviceNodes.get(app.app)! : ids.length === 1 ? ids[0] : undefined);
  const registryOnly = istio.some((r) => r.kind === "Sidecar" && r.spec.outboundTrafficPolicy.mode === "REGISTRY_ONLY");
  /** A host nothing of the scene runs: outside the mesh (its ServiceEntry), or a Service with no workload. */
  const hostNode = (host: string) => {
    const name = hostId(host);
    const entry = serviceEntries.find((se) => se.spec.hosts.includes(host));
    const lines = entry
      ? [`ServiceEntry ${entry.name}: ports ${entry.spec.ports.map((p) => `${p.number}${p.targetPort ? `->${p.targetPort}` : ""}`).join(", ")} (${entry.spec.location ?? "MESH_EXTERNAL"})`]
      : isServiceHost(host)
        ? ["nothing deployed"]
        : registryOnly
          ? ["not in the registry"]
          : [];
    return addNode({ id: `host:${name}`, kind: "host", text: [name, ...lines] });
  };

  /** Where a destination's requests go: a workload, a Service's box, a gateway, or a host. */
  const resolve = (host: string, subset?: string): string => {
    const name = hostId(host);
    const app = appsByName.get(name);
    if (app) {
      if (!subset) return serviceNodes.get(name)!;
      const labels = destinationRules.get(name)?.subsets?.find((s) => s.name === subset)?.labels;
      const target = labels && standFor(app, selected(app, labels));
      return target ?? addNode({ id: `${name}/${subset}`, kind: "workload", text: [`${name} ${subset}`, "no pod of the subset"] });
    }
    const gateway = gatewayOfService.get(name);
    if (gateway) return gateway;
    const version = versionServices.get(name);
    const owner = version && appsByName.get(version.app);
    if (version && owner) return standFor(owner, selected(owner, version.selector)) ?? serviceNodes.get(owner.app)!;
    return hostNode(host);
  };
  const resolveDestination = (d: Destination) => resolve(d.host, d.subset);
  const resolveName = (name: string) => resolve(name);

  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string, label: string[], mirror = false) => {
    const key = JSON.stringify([from, to, label, mirror]);
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from, to, label, mirror, idle: false });
  };
  const follow = (from: string, rules: DrawnRule[], carried: string[]) => {
    for (const rule of rules) {
      for (const dest of rule.route) addEdge(from, dest.to, [...carried, ...rule.labels, ...(dest.weight ? [dest.weight] : []), ...rule.notes]);
      if (rule.mirror) addEdge(from, rule.mirror.to, [...carried, ...rule.labels, `mirror ${percent(rule.mirror.percent)}`], true);
    }
  };

  // The gateways' routes.
  const virtualServices = istio.flatMap((r) => (r.kind === "VirtualService" ? [r] : []));
  for (const [id] of [...nodes].filter(([, n]) => n.kind === "gateway")) {
    const gateway = id.slice("gateway:".length);
    const bound = virtualServices.filter((vs) => vs.spec.gateways?.includes(gateway));
    follow(id, [...bound.flatMap((vs) => drawnRules(vs.spec, (only) => !only || only.includes(gateway), resolveDestination)), ...gatewayApiRules(gatewayApi, { gateway }, resolveName)], []);
  }

  // A call through a sidecar: the routes of the host's VirtualServices for the mesh (and its
  // HTTPRoutes with the Service as parent), else the Service itself.
  const meshRules = (service: string) => [
    ...virtualServices
      .filter((vs) => (vs.spec.gateways ?? ["mesh"]).includes("mesh") && vs.spec.hosts.some((h) => hostId(h) === service))
      .flatMap((vs) => drawnRules(vs.spec, (only) => !only || only.includes("mesh"), resolveDestination)),
    ...gatewayApiRules(gatewayApi, { service }, resolveName),
  ];
  const called = new Set<string>();
  const call = (from: string, host: string, carried: string[] = []) => {
    const service = hostId(host);
    called.add(service);
    const rules = meshRules(service);
    if (rules.length > 0) return follow(from, rules, carried);
    const known = appsByName.has(service) || gatewayOfService.has(service) || versionServices.has(service) || serviceEntries.some((se) => se.spec.hosts.includes(host));
    addEdge(from, resolve(host), [...carried, ...(registryOnly && !known ? ["REGISTRY_ONLY: blocked"] : [])]);
  };

  // The in-mesh clients, calling what their probes call.
  const clientApps = scene.apps.filter((a) => a.client);
  const clientNode = (deployment: string) => {
    const w = clientApps.flatMap((a) => a.workloads).find((x) => x.deployment === deployment);
    const extra = Object.entries(w?.labels ?? {}).filter(([k]) => k !== "app" && k !== "version");
    return addNode({ id: `client:${deployment}`, kind: "client", text: [deployment, "client in the mesh", ...extra.map(([k, v]) => `${k}=${v}`)] });
  };
  const gatewayServing = (host: string) =>
    istio.find((r) => r.kind === "Gateway" && ingressSelector(r.spec.selector) && r.spec.servers.some((s) => s.hosts.includes(host) || s.hosts.includes("*")))?.name;
  /** The ingress gateway a client reaches; one of no name where the scene binds none (a stack's diagram without its Gateway). */
  const ingressGateway = () => ingressGateways[0] ?? addNode({ id: "gateway:ingress", kind: "gateway", text: ["ingress gateway"] });
  const gatewayOnPort = (port: number) => istio.find((r) => r.kind === "Gateway" && r.spec.servers.some((s) => s.port.number === port))?.name;
  for (const probe of scene.probes) {
    if (probe.kind === "mtls") {
      const from = addNode({ id: "client:outside-mesh", kind: "client", text: ["a pod without a sidecar"] });
      addEdge(from, resolve(probe.service), [`plain text, port ${probe.port}`, probe.outsideMesh]);
      continue;
    }
    if (!("from" in probe)) continue;
    const from = clientNode(probe.from);
    switch (probe.kind) {
      case "tcp": {
        const gateway = gatewayOnPort(probe.port);
        addEdge(from, gateway ? `gateway:${gateway}` : ingressGateway(), [`TCP port ${probe.port}`]);
        break;
      }
      case "connect":
        if ("service" in probe.to) call(from, probe.to.service, [`TCP port ${probe.to.port}`]);
        else {
          const pod = probe.to.pod;
          const owner = scene.apps.find((a) => a.workloads.some((w) => w.deployment === pod));
          const w = owner?.workloads.find((x) => x.deployment === pod);
          addEdge(from, owner && w ? workloadId(owner, w) : hostNode(pod), [`TCP port ${probe.to.port}`, "to the pod's address"]);
        }
        break;
      case "call":
        if (probe.viaGateway) {
          const url = new URL(probe.url);
          const gateway = gatewayServing(url.hostname);
          addEdge(from, gateway ? `gateway:${gateway}` : ingressGateway(), [`${url.protocol === "https:" ? "HTTPS" : "HTTP"} ${url.hostname}`]);
        } else call(from, new URL(probe.url).hostname);
        break;
      default:
        call(from, new URL(probe.url).hostname);
    }
  }

  // The app's own calls: each version to the Services it calls, through its sidecar.
  for (const app of appsByName.values()) for (const w of app.workloads) for (const callee of w.calls ?? []) call(workloadId(app, w), callee);

  // A Service whose routes for the mesh no caller above takes still shows them, from callers the catalog does not name.
  const routedForMesh = [
    ...virtualServices.filter((vs) => (vs.spec.gateways ?? ["mesh"]).includes("mesh")).flatMap((vs) => vs.spec.hosts.map(hostId)),
    ...gatewayApi.flatMap((o) => (o.kind === "Gateway" ? [] : o.spec.parentRefs.flatMap((p) => ("kind" in p ? [p.name] : [])))),
  ];
  for (const service of new Set(routedForMesh)) {
    if (called.has(service)) continue;
    call(addNode({ id: `clients:${service}`, kind: "client", text: [`in-mesh clients of ${service}`] }), service);
  }

  // Traffic policies on their destinations, policies on the workloads they select.
  for (const [host, rule] of destinationRules) {
    const app = appsByName.get(host);
    const target = app ? serviceNodes.get(host)! : gatewayOfService.get(host) ?? (serviceEntries.some((se) => se.spec.hosts.includes(host)) ? hostNode(host) : undefined);
    if (target) text(target, ...policyText(rule.trafficPolicy));
    for (const subset of rule.subsets ?? []) {
      const lines = policyText(subset.trafficPolicy);
      if (lines.length === 0) continue;
      // A subset of a host outside the mesh selects no pod: its policy is the host's, for the routes that name it.
      if (!app && target) text(target, ...lines.map((l) => `subset ${subset.name}: ${l}`));
      if (!app || !subset.labels) continue;
      for (const id of selected(app, subset.labels)) text(id, ...lines.map((l) => `subset ${subset.name}: ${l}`));
    }
  }
  const namespaceWide: string[] = [];
  for (const r of istio) {
    const line = policyLine(r);
    if (!line) continue;
    const selector =
      r.kind === "EnvoyFilter" ? r.spec.workloadSelector?.labels : r.kind === "AuthorizationPolicy" || r.kind === "RequestAuthentication" || r.kind === "PeerAuthentication" ? r.spec.selector?.matchLabels : undefined;
    if (!selector) {
      namespaceWide.push(line);
      continue;
    }
    // A policy on the ingress gateway's pods (from the gateway's namespace: jwt-route).
    if (ingressSelector(selector)) {
      for (const id of ingressGateways) text(id, line);
      continue;
    }
    const targets = [...appsByName.values()].flatMap((app) => {
      const ids = selected(app, selector);
      return ids.length === 0 ? [] : (standFor(app, ids) ?? ids);
    });
    if (targets.length > 0) for (const id of targets) text(id, line);
    else namespaceWide.push(`${line} (on ${labelsText(selector)})`);
  }
  if (namespaceWide.length > 0) addNode({ id: "note:namespace", kind: "note", text: ["every workload of the namespace", ...namespaceWide] });

  // What the requests reach, from the gateways that take them in and the clients that send them,
  // and how many hops away: the order the flowchart lists its boxes and edges in.
  const depth = new Map([...ingressGateways, ...[...nodes.values()].filter((n) => n.kind === "client").map((n) => n.id)].map((id) => [id, 0]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges) {
      const from = depth.get(e.from);
      if (from === undefined) continue;
      for (const to of services.get(e.to)?.members ?? [e.to]) {
        if ((depth.get(to) ?? Infinity) > from + 1) {
          depth.set(to, from + 1);
          grew = true;
        }
      }
    }
  }
  for (const node of nodes.values()) node.idle = node.kind !== "note" && !depth.has(node.id);
  for (const edge of edges) edge.idle = !depth.has(edge.from);

  // Sources, then the apps nearest first (what nothing reaches last), then hosts and the namespace's note.
  const order: NodeKind[] = ["gateway", "client", "workload", "host", "note"];
  const hops = (id: string) => depth.get(id) ?? Infinity;
  // A client's request to a gateway comes before the gateway's routes.
  const isGateway = (id: string) => nodes.get(id)?.kind === "gateway";
  const sorted = [...nodes.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.kind === "workload" ? hops(a.id) - hops(b.id) : 0));
  return { nodes: sorted, services: [...services.values()], edges: [...edges].sort((a, b) => hops(a.from) - hops(b.from) || Number(!isGateway(a.to)) - Number(!isGateway(b.to))) };
}

const idPrefix: Record<NodeKind, string> = { gateway: "gw", client: "cl", workload: "wl", host: "ext", note: "note" };
const mermaidText = (lines: string[]) => `"${lines.map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;

/**
 * The flowchart, left to right: gateways and clients as stadiums, workloads as boxes (in their
 * Service's box where it runs several versions), hosts outside as hexagons, mirrors dotted, and
 * what no request of the scenario reaches (and the calls it would make) grey.
 */
export function trafficDiagram(scene: Scene): string {
  const { nodes, services, edges } = trafficOf(scene);
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const mermaidId = (id: string, prefix: string) => {
    if (!ids.has(id)) {
      const base = `${prefix}_${id.replace(/^[a-z]+:/, "").replace(/[^A-Za-z0-9]/g, "_")}`;
      let candidate = base;
      for (let i = 2; taken.has(candidate); i++) candidate = `${base}_${i}`;
      taken.add(candidate);
      ids.set(id, candidate);
    }
    return ids.get(id)!;
  };
  for (const s of services) mermaidId(s.id, "svc");
  for (const n of nodes) mermaidId(n.id, idPrefix[n.kind]);
  const shapes = { policy: (text: string[]) => `[${mermaidText(text)}]` };
  const shape = (n: TrafficNode) => {
    const t = mermaidText(n.text);
    return n.kind === "gateway" || n.kind === "client" ? `([${t}])` : n.kind === "host" ? `{{${t}}}` : n.kind === "note" ? `>${t}]` : `[${t}]`;
  };
  const lines = ["flowchart LR"];
  const policies: string[] = [];
  const drawn = new Set<string>();
  for (const n of nodes) {
    if (drawn.has(n.id)) continue;
    if (n.service) {
      const service = services.find((s) => s.id === n.service)!;
      // Its policies in a box of their own inside it: a subgraph's title of several lines covers its boxes.
      // Its versions one above the other: in a left-to-right layout, boxes no edge orders share a column.
      lines.push(`  subgraph ${ids.get(service.id)} [${mermaidText(service.text.slice(0, 1))}]`, "    direction LR");
      if (service.text.length > 1) {
        lines.push(`    ${ids.get(service.id)}_policy${shapes.policy(service.text.slice(1))}`);
        policies.push(`${ids.get(service.id)}_policy`);
      }
      for (const member of nodes.filter((m) => m.service === service.id)) {
        lines.push(`    ${ids.get(member.id)}${shape(member)}`);
        drawn.add(member.id);
      }
      lines.push("  end");
      continue;
    }
    lines.push(`  ${ids.get(n.id)}${shape(n)}`);
    drawn.add(n.id);
  }
  // A label's alternatives (`uri prefix /status or uri prefix /delay`) one to a line.
  const label = (e: TrafficEdge) => mermaidText(e.label.flatMap((l) => l.split(/(?= or )/).map((part) => part.trim())));
  for (const e of edges) lines.push(`  ${ids.get(e.from)} ${e.mirror ? "-.->" : "-->"}${e.label.length > 0 ? `|${label(e)}|` : ""} ${ids.get(e.to)}`);
  if (policies.length > 0) lines.push("  classDef policy fill:none,stroke-dasharray:4 3", `  class ${policies.join(",")} policy`);
  const idleNodes = nodes.filter((n) => n.idle).map((n) => ids.get(n.id)!);
  const idleEdges = edges.flatMap((e, i) => (e.idle ? [i] : []));
  if (idleNodes.length > 0 || idleEdges.length > 0) lines.push("  classDef idle fill:#f4f4f4,stroke:#bbb,color:#999");
  if (idleNodes.length > 0) lines.push(`  class ${idleNodes.join(",")} idle`);
  if (idleEdges.length > 0) lines.push(`  linkStyle ${idleEdges.join(",")} stroke:#bbb,color:#999`);
  return lines.join("\n");
}

/** A scenario's scene: its objects, its apps as the catalog (or istio-lab:apps.custom) declares them, its probes. */
export function sceneOfScenario(spec: ScenarioSpec): Scene {
  const apps: AppSpec[] = [...selectApps(spec.workloads), ...(spec.apps ?? [])];
  return {
    istio: spec.resources,
    gatewayApi: spec.gatewayApi?.resources ?? [],
    versionServices: spec.gatewayApi?.versionServices ?? [],
    apps: apps.map((a) => ({
      app: a.app,
      client: a.client ?? false,
      workloads: a.versions.map((v) => ({ deployment: v.deployment, ...(v.version && { version: v.version }), labels: { app: a.app, ...(v.version && { version: v.version }), ...v.podLabels }, ...(v.calls && { calls: v.calls }) })),
    })),
    probes: spec.probes,
  };
}

interface RenderedMeta {
  name: string;
  labels?: Record<string, string>;
}

/**
 * A render's scene: the Istio and Gateway API objects it registers (a lab's hosts as it serves
 * them), its Deployments by their pods' labels, whom each calls as its scenario's apps (or, without
 * the scenario, the catalog's) say, and the scenario's probes when given.
 */
export function sceneOfRender(resources: readonly RenderedResource[], spec?: ScenarioSpec): Scene {
  const known: AppSpec[] = spec ? [...selectApps(spec.workloads), ...(spec.apps ?? [])] : Object.values(catalogApps);
  const apps = new Map<string, SceneApp>();
  const versionServices: Scene["versionServices"][number][] = [];
  for (const r of resources) {
    const { kind, metadata, spec: objectSpec } = r.inputs as { kind?: string; metadata?: RenderedMeta; spec?: Record<string, unknown> };
    if (!r.type.startsWith("kubernetes:") || !metadata) continue;
    if (kind === "Deployment") {
      const labels = ((objectSpec?.template as { metadata?: RenderedMeta } | undefined)?.metadata?.labels ?? {}) as Record<string, string>;
      // A pod outside the mesh (the addons' jaeger) is none of the scenario's.
      if (!labels.app || labels["sidecar.istio.io/inject"] === "false") continue;
      const spec = known.find((a) => a.app === labels.app);
      const version = spec?.versions.find((v) => v.version === labels.version && (v.version !== undefined || v.deployment === metadata.name || spec.versions.length === 1));
      const app = apps.get(labels.app) ?? { app: labels.app, client: spec?.client ?? false, workloads: [] };
      app.workloads.push({ deployment: metadata.name, ...(labels.version && { version: labels.version }), labels, ...(version?.calls && { calls: version.calls }) });
      apps.set(labels.app, app);
    } else if (kind === "Service") {
      const selector = objectSpec?.selector as Record<string, string> | undefined;
      if (selector?.app && selector.version && metadata.name !== selector.app) versionServices.push({ name: metadata.name, app: selector.app, selector });
    }
  }
  return { istio: istioObjectsOf(resources), gatewayApi: gatewayApiObjectsOf(resources), versionServices, apps: [...apps.values()], probes: spec?.probes ?? [] };
}

/** The Istio objects of a render (a stack's scenario as the program registers it). */
export function istioObjectsOf(resources: readonly RenderedResource[]): IstioResource[] {
  return resources.flatMap((r) => {
    const kind = r.inputs.kind as IstioKind | undefined;
    if (!kind || apiVersions[kind] === undefined || r.inputs.apiVersion !== apiVersions[kind]) return [];
    return [{ kind, name: (r.inputs.metadata as { name: string }).name, spec: r.inputs.spec } as IstioResource];
  });
}

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
