// Labs that cannot see or break each other in the mesh: every pair of scenarios two labs of one
// platform may run, and every lab scenario beside every scenario of the platform's own lab, placed
// as the program places them (components/scenarios/lab-placement.ts), leave each other's view of the
// mesh as it was, by the model of Istio's rules in tools/lib/mesh-model.ts; and each lab,
// so placed, still reaches its own (ownReachLost): a placement hiding everything would change no view.
// On an ambient platform the same for every pair a lab may run there, each with its own waypoint
// where it needs one: no other namespace's Services come to be served by it, and what each waypoint
// and ztunnel apply to a namespace's Services stays as that namespace alone would have it.
import { describe, expect, it } from "vitest";
import { labHost } from "../../catalog/lab-host";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { platformOnlyReasons, type ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { ingressTcpPorts, labTcpPorts } from "../../catalog/scenarios/tcp";
import { gatewayPolicies } from "../../components/scenarios/gateway-policies";
import { placeScenarioInLab, placeScenarioOnPlatform } from "../../components/scenarios/lab-placement";
import {
  bystanderView,
  destinationRulesFor,
  fqdn,
  gatewayRoutesFor,
  hostsOf,
  inNamespace,
  meshRoutesFor,
  mergeGateways,
  namespaceView,
  rootNamespace,
  serviceEntriesFor,
  serviceNamespace,
  type MeshObject,
} from "../../tools/lib/mesh-model";
import { routeRules, type IstioResource } from "../../catalog/istio-resources";
import { egressGateway } from "../../components/mesh/egress-gateway";
import { ingressGateway } from "../../components/mesh/ingress-gateway";
import { tcpPortClaimedBy } from "../../components/config/sibling-labs";
import { selectApps } from "../../catalog/apps";
import { resolveScenario } from "../../catalog/scenarios";
import { exampleOptions } from "../../catalog/scenarios/examples";
import { ambientForms, ambientPairs, formNames } from "../../catalog/scenarios/modes";
import { inAmbient } from "../../catalog/scenarios/waypoint";
import { ambientObjects, ambientView, joinWorlds, servicesOfWaypoint, waypointOf, waypointPoliciesFor, waypointRoutesFor, type AmbientWorld } from "../../tools/lib/mesh-model";

const spec = (name: ScenarioName): ScenarioSpec => exampleScenario(name);
const labScenarios = scenarioNames.filter((name) => platformOnlyReasons(spec(name)).length === 0);
const platformNamespace = "bookinfo";

/** A lab's objects in its namespace, as LabOnPlatform places them. */
const labObjects = (name: ScenarioName, namespace: string, tcpPort?: number): MeshObject[] =>
  inNamespace(placeScenarioInLab(spec(name), { host: labHost(namespace, "istio-lab.test"), gatewayNamespace: "istio-system", ...(tcpPort !== undefined && { tcpPort }) }).resources, namespace);
/** The platform's own lab's objects, as Lab places them. */
const platformObjects = (name: ScenarioName): MeshObject[] => inNamespace(placeScenarioOnPlatform(spec(name)).resources, platformNamespace);

/**
 * Whether a view is the same in two worlds, over every host either world names but the Services of
 * the added lab's own namespace (which are its own to route, and which no other lab can name).
 */
function sameView(view: (objects: readonly MeshObject[], hosts: string[]) => unknown, before: readonly MeshObject[], after: readonly MeshObject[], added: readonly string[]): boolean {
  const hosts = hostsOf([...before, ...after]).filter((h) => !added.some((ns) => h.endsWith(`.${ns}.svc.cluster.local`)));
  return JSON.stringify(view(before, hosts)) === JSON.stringify(view(after, hosts));
}

/** The views one added lab (in either creation order) may not change: the other lab's, the platform lab's, a bystander's. */
function changedBy(base: readonly MeshObject[], added: readonly MeshObject[], watched: readonly string[]): string[] {
  const namespaces = [...new Set(added.map((o) => o.namespace))];
  const worlds = [
    [...base, ...added],
    [...added, ...base],
  ];
  return worlds.flatMap((world, order) => [
    ...watched.filter((ns) => !sameView((objects, hosts) => namespaceView(objects, ns, hosts), base, world, namespaces)).map((ns) => `${ns}${order ? " (added lab older)" : ""}`),
    ...(sameView(bystanderView, base, world, namespaces) ? [] : [`a bystander namespace${order ? " (added lab older)" : ""}`]),
  ]);
}

type VirtualService = Extract<IstioResource, { kind: "VirtualService" }>;
const objectKey = (o: MeshObject) => `${o.resource.kind}/${o.namespace}/${o.resource.name}`;

/**
 * What a lab itself must still reach in a world, placed as it is: each server of its Gateways kept
 * by the merge, each of its Gateways served the VirtualServices bound to it, the gateway finding its
 * DestinationRule for every host it routes to a subset of, and its sidecars routing and resolving
 * every host of its scenario as the unplaced scenario alone in its namespace would. An unchanged
 * view alone would not show a lab whose every object is hidden (exportTo ["~"]): hidden in both
 * worlds, it changes nothing.
 */
function ownReachLost(world: readonly MeshObject[], name: ScenarioName, namespace: string, alone: readonly MeshObject[] = inNamespace(spec(name).resources, namespace)): string[] {
  const lost: string[] = [];
  const own = world.filter((o) => o.namespace === namespace);
  const gateways = own.filter((o) => o.resource.kind === "Gateway");
  for (const labels of [ingressGateway.podLabels, egressGateway.podLabels]) {
    for (const server of mergeGateways(world, labels).filter((s) => s.gateway.split("/")[1] === namespace && !s.kept)) lost.push(`${server.gateway} port ${server.port} not kept`);
  }
  const boundTo = (gateway: MeshObject) =>
    own
      .filter((o) => o.resource.kind === "VirtualService" && ((o.resource as VirtualService).spec.gateways ?? []).some((g) => (g.includes("/") ? g : `${namespace}/${g}`) === `${namespace}/${gateway.resource.name}`))
      .map(objectKey);
  for (const gateway of gateways) {
    const served = gatewayRoutesFor(world, objectKey(gateway), rootNamespace);
    if (JSON.stringify(served) !== JSON.stringify(boundTo(gateway))) lost.push(`${objectKey(gateway)} serves ${JSON.stringify(served)}, not ${JSON.stringify(boundTo(gateway))}`);
  }
  // Each host a gateway-bound route of the lab sends to a subset of: the gateway applies the lab's rule.
  const subsetHosts = new Set(
    own
      .filter((o) => o.resource.kind === "VirtualService" && ((o.resource as VirtualService).spec.gateways ?? []).some((g) => g !== "mesh"))
      .flatMap((o) => routeRules((o.resource as VirtualService).spec).flatMap((r) => r.route.filter((d) => d.destination.subset).map((d) => fqdn(d.destination.host, namespace)))),
  );
  for (const host of subsetHosts) {
    const rules = own.filter((o) => o.resource.kind === "DestinationRule" && fqdn((o.resource as Extract<IstioResource, { kind: "DestinationRule" }>).spec.host, namespace) === host).map(objectKey);
    const applied = destinationRulesFor(world, host, rootNamespace, serviceNamespace(host, serviceEntriesFor(world, host, rootNamespace, true)));
    if (rules.length === 0 || JSON.stringify(applied) !== JSON.stringify(rules)) lost.push(`the gateway applies ${JSON.stringify(applied)} to ${host}, not ${JSON.stringify(rules)}`);
  }
  // Its sidecars: the routes and entries of the scenario alone, unplaced, in its namespace.
  for (const host of hostsOf(alone)) {
    const seen = (objects: readonly MeshObject[]) => JSON.stringify({ routes: meshRoutesFor(objects, host, namespace), entries: serviceEntriesFor(objects, host, namespace, false) });
    if (seen(world) !== seen(alone)) lost.push(`its sidecars see ${seen(world)} for ${host}, alone ${seen(alone)}`);
  }
  return lost;
}

describe("two labs on one platform", () => {
  it("may run every scenario but the platform-only ones", () => {
    expect(labScenarios.length).toBeGreaterThan(25);
    expect(labScenarios).toContain("egress-tls-origination");
    expect(labScenarios).toContain("tcp-shift-80-20");
  });

  it.each(labScenarios)("a lab running %s and a lab running any lab scenario never change each other's routing, hosts or external reach", (first) => {
    const tcp = (name: ScenarioName) => ingressTcpPorts(spec(name)).length > 0;
    const a = labObjects(first, "lab-a", tcp(first) ? labTcpPorts[0] : undefined);
    const problems = labScenarios.flatMap((second) => {
      // The second TCP lab of a classroom sets another port (a second on the first is refused: below).
      const b = labObjects(second, "lab-b", tcp(second) ? labTcpPorts[1] : undefined);
      const platform = platformObjects("bookinfo");
      return [
        ...changedBy([...platform, ...a], b, ["lab-a", platformNamespace]).map((v) => `${second} changes ${v}`),
        ...changedBy([...platform, ...b], a, ["lab-b", platformNamespace]).map((v) => `${second} is changed in ${v}`),
        // Each lab still reaches its own, in either creation order.
        ...[
          [...platform, ...a, ...b],
          [...platform, ...b, ...a],
        ].flatMap((world) => [...ownReachLost(world, first, "lab-a").map((l) => `beside ${second}, ${first} in lab-a: ${l}`), ...ownReachLost(world, second, "lab-b").map((l) => `${second} in lab-b: ${l}`)]),
      ];
    });
    expect(problems).toEqual([]);
  });
});

describe("a lab beside the platform's own scenario", () => {
  it.each(scenarioNames)("the platform running %s and a lab running any lab scenario never change each other, or the lab is refused", (platformScenario) => {
    const platform = platformObjects(platformScenario);
    const refused = gatewayPolicies(spec(platformScenario)).length > 0;
    const problems = labScenarios.flatMap((name) => {
      const lab = labObjects(name, "lab-a", ingressTcpPorts(spec(name)).length > 0 ? labTcpPorts[0] : undefined);
      return [
        // The platform's lab and a bystander, with and without the lab.
        ...changedBy(platform, lab, [platformNamespace]).map((v) => `${name} changes ${v}`),
        // The lab, on this platform or on one whose own lab runs nothing.
        ...changedBy(lab, platform, ["lab-a"]).map((v) => `${name} is changed in ${v}`),
        // The lab still reaches its own, created before or after the platform's scenario.
        ...[
          [...platform, ...lab],
          [...lab, ...platform],
        ].flatMap((world) => ownReachLost(world, name, "lab-a").map((l) => `${name}: ${l}`)),
      ];
    });
    if (refused) expect(problems.length).toBeGreaterThan(0);
    else expect(problems).toEqual([]);
  });
});

// Ambient mode: every pair a lab may run on an ambient platform (catalog/scenarios/modes.ts
// ambientPairs("lab")), in its ambient form (a waypoint of its own where it needs one), placed as
// LabOnPlatform places it; and every ambient pair of the platform's own lab beside each.
type Pair = ReturnType<typeof ambientPairs>[number];
const pairName = (p: Pair) => `${p.scenario} (${formNames[p.form]})`;
const ambientSpec = (p: Pair): ScenarioSpec => {
  const options = exampleOptions(p.scenario) as object | undefined;
  const resolved = resolveScenario(p.scenario, p.form === "istio" ? options : { ...options, api: p.form });
  return inAmbient(resolved, [...selectApps(resolved.workloads), ...(resolved.apps ?? [])]);
};
const labPairs = ambientPairs("lab");
const ambientLab = (p: Pair, namespace: string, tcpPort?: number): AmbientWorld =>
  ambientObjects(placeScenarioInLab(ambientSpec(p), { host: labHost(namespace, "istio-lab.test"), gatewayNamespace: "istio-system", ...(tcpPort !== undefined && { tcpPort }) }), namespace);
const ambientPlatform = (p: Pair): AmbientWorld => ambientObjects(placeScenarioOnPlatform(ambientSpec(p)), platformNamespace);
const tcpPair = (p: Pair) => ingressTcpPorts(ambientSpec(p)).length > 0;

/**
 * Namespaces that are in no lab: one whose Services name the labs' waypoints by name and namespace
 * (istio.io/use-waypoint-namespace), which a waypoint of class istio-waypoint refuses (allowedRoutes
 * Same: waypoints.go makeWaypointSelector), and one of a Service of its own bound to a `waypoint` it
 * does not have. Neither may come to be served by a lab's waypoint.
 */
const bystanders: AmbientWorld = {
  objects: [],
  services: [
    ...["lab-a", "lab-b", platformNamespace].map((ns) => ({ namespace: "bystander", name: `to-${ns}`, labels: { app: `to-${ns}`, "istio.io/use-waypoint": "waypoint", "istio.io/use-waypoint-namespace": ns } })),
    { namespace: "bystander-2", name: "web", labels: { app: "web", "istio.io/use-waypoint": "waypoint" } },
  ],
  gateways: [],
  namespaces: { bystander: { "istio.io/dataplane-mode": "ambient" }, "bystander-2": { "istio.io/dataplane-mode": "ambient" } },
};

/** The views an added ambient lab (in either creation order) may not change: the sidecar-era views of changedBy, and ambient's of each watched namespace and the bystanders. */
function ambientChangedBy(base: AmbientWorld, added: AmbientWorld, watched: readonly string[]): string[] {
  const before = joinWorlds(bystanders, base);
  return [
    ...changedBy(base.objects, added.objects, watched),
    ...[joinWorlds(bystanders, base, added), joinWorlds(bystanders, added, base)].flatMap((world, order) =>
      [...watched, "bystander", "bystander-2"]
        .filter((ns) => JSON.stringify(ambientView(before, ns)) !== JSON.stringify(ambientView(world, ns)))
        .map((ns) => `${ns} in ambient${order ? " (added lab older)" : ""}: ${JSON.stringify(ambientView(before, ns))} -> ${JSON.stringify(ambientView(world, ns))}`),
    ),
  ];
}

/**
 * What an ambient lab must still reach in a world: what ownReachLost asks of its Istio objects (its
 * routes compared with its ambient form alone, unplaced, in its namespace), ambient's view of its
 * namespace as in a world of its own alone, and each Service its scenario binds served by its own
 * waypoint (a view unchanged because nothing binds would show nothing).
 */
function ambientReachLost(world: AmbientWorld, p: Pair, namespace: string, own: AmbientWorld): string[] {
  const spec = ambientSpec(p);
  const alone = ambientObjects(spec, namespace).objects;
  const view = ambientView(joinWorlds(bystanders, world), namespace);
  const services = view.services as Record<string, { waypoint: string | null }>;
  return [
    ...ownReachLost(world.objects, p.scenario, namespace, alone),
    ...(JSON.stringify(view) === JSON.stringify(ambientView(own, namespace)) ? [] : [`its ambient view ${JSON.stringify(view)}, alone ${JSON.stringify(ambientView(own, namespace))}`]),
    ...(spec.waypoint?.services ?? []).filter((svc) => services[svc]?.waypoint !== `${namespace}/${spec.waypoint!.name}`).map((svc) => `${svc} is not served by its waypoint`),
  ];
}

describe("two labs on an ambient platform", () => {
  it("may run every ambient pair but the platform's alone, waypoint pairs among them", () => {
    expect(labPairs.filter((p) => p.run.waypoint).map(pairName)).toEqual(expect.arrayContaining(["authz-http (Istio API)", "jwt-auth (Istio API)", "route-jason-v2 (Gateway API)", "mirroring (Gateway API)"]));
    expect(labPairs.length).toBeGreaterThan(15);
  });

  it.each(labPairs.map((p) => [pairName(p), p] as const))("a lab running %s and a lab running any lab pair never change each other's waypoints, routes, policies or reach", (_, first) => {
    const a = ambientLab(first, "lab-a", tcpPair(first) ? labTcpPorts[0] : undefined);
    const problems = labPairs.flatMap((second) => {
      const b = ambientLab(second, "lab-b", tcpPair(second) ? labTcpPorts[1] : undefined);
      const platform = ambientPlatform({ scenario: "bookinfo", form: "istio", run: { why: "" } });
      return [
        ...ambientChangedBy(joinWorlds(platform, a), b, ["lab-a", platformNamespace]).map((v) => `${pairName(second)} changes ${v}`),
        ...ambientChangedBy(joinWorlds(platform, b), a, ["lab-b", platformNamespace]).map((v) => `${pairName(second)} is changed in ${v}`),
        ...[joinWorlds(platform, a, b), joinWorlds(platform, b, a)].flatMap((world) => [
          ...ambientReachLost(world, first, "lab-a", a).map((l) => `beside ${pairName(second)}, ${pairName(first)} in lab-a: ${l}`),
          ...ambientReachLost(world, second, "lab-b", b).map((l) => `${pairName(second)} in lab-b: ${l}`),
        ]),
      ];
    });
    expect(problems).toEqual([]);
  });
});

describe("a lab beside the ambient platform's own scenario", () => {
  it.each(ambientForms().map((p) => [pairName(p), p] as const))("the platform running %s and a lab running any lab pair never change each other, or the lab is refused", (_, platformPair) => {
    const platform = ambientPlatform(platformPair);
    const refused = gatewayPolicies(ambientSpec(platformPair)).length > 0;
    const problems = labPairs.flatMap((p) => {
      const lab = ambientLab(p, "lab-a", tcpPair(p) ? labTcpPorts[0] : undefined);
      return [
        ...ambientChangedBy(platform, lab, [platformNamespace]).map((v) => `${pairName(p)} changes ${v}`),
        ...ambientChangedBy(lab, platform, ["lab-a"]).map((v) => `${pairName(p)} is changed in ${v}`),
        ...[joinWorlds(platform, lab), joinWorlds(lab, platform)].flatMap((world) => ambientReachLost(world, p, "lab-a", lab).map((l) => `${pairName(p)}: ${l}`)),
      ];
    });
    if (refused) expect(problems.length).toBeGreaterThan(0);
    else expect(problems).toEqual([]);
  });
});

describe("the ambient model sees what Istio would let through", () => {
  const authz = labPairs.find((p) => p.scenario === "authz-http")!;
  const routes = labPairs.find((p) => p.scenario === "route-jason-v2")!;

  it("a waypoint that allowed every namespace (allowedRoutes All) would serve another namespace's Services that name it", () => {
    const a = ambientLab(authz, "lab-a");
    const open = { ...a, gateways: a.gateways.map((g) => ({ ...g, listeners: g.listeners.map((l) => ({ ...l, allowedRoutes: { namespaces: { from: "All" as const } } })) })) };
    expect(ambientChangedBy(ambientLab(routes, "lab-b"), open, ["lab-b"]).some((v) => v.startsWith("bystander in ambient"))).toBe(true);
    expect(waypointOf(joinWorlds(bystanders, open), bystanders.services[0])).toBe("lab-a/waypoint");
    expect(waypointOf(joinWorlds(bystanders, a), bystanders.services[0])).toBeUndefined();
  });

  it("a policy naming another namespace's Service or waypoint attaches to nothing there; one on the waypoint class in the root namespace acts on every lab's waypoint", () => {
    const a = ambientLab(authz, "lab-a");
    const b = ambientLab(routes, "lab-b");
    const policy = (namespace: string, targetRefs: object[]): AmbientWorld => ({
      objects: [{ namespace, resource: { kind: "AuthorizationPolicy", name: "deny", spec: { action: "DENY", rules: [{}], targetRefs } } as MeshObject["resource"] }],
      services: [],
      gateways: [],
      namespaces: {},
    });
    expect(ambientChangedBy(joinWorlds(a, b), policy("lab-a", [{ group: "", kind: "Service", name: "reviews" }, { group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint", namespace: "lab-b" }]), ["lab-b"])).toEqual([]);
    expect(ambientChangedBy(joinWorlds(a, b), policy("lab-a", [{ group: "", kind: "Service", name: "reviews" }]), ["lab-a"]).length).toBeGreaterThan(0);
    expect(ambientChangedBy(joinWorlds(a, b), policy(rootNamespace, [{ group: "gateway.networking.k8s.io", kind: "GatewayClass", name: "istio-waypoint" }]), ["lab-b"]).length).toBeGreaterThan(0);
  });

  it("ztunnel enforces a root-namespace policy with a selector on each namespace with a workload it selects, and only there (workloads.go buildWorkloadPolicies)", () => {
    const a = ambientLab(authz, "lab-a");
    const b = ambientLab(routes, "lab-b");
    const rooted = (matchLabels: Record<string, string>): AmbientWorld => ({
      objects: [{ namespace: rootNamespace, resource: { kind: "AuthorizationPolicy", name: "deny-curl", spec: { action: "DENY", selector: { matchLabels }, rules: [{}] } } as MeshObject["resource"] }],
      services: [],
      gateways: [],
      namespaces: {},
    });
    const ztunnel = (world: AmbientWorld, ns: string) => ambientView(world, ns).ztunnel as string[];
    // authz-http's lab runs a curl pod, route-all-v1's none.
    expect(ztunnel(joinWorlds(a, b, rooted({ app: "curl" })), "lab-a")).toContain(`AuthorizationPolicy/${rootNamespace}/deny-curl`);
    expect(ztunnel(joinWorlds(a, b, rooted({ app: "curl" })), "lab-b")).not.toContain(`AuthorizationPolicy/${rootNamespace}/deny-curl`);
    expect(ztunnel(joinWorlds(a, b, rooted({ app: "reviews", version: "v2" })), "lab-b")).toContain(`AuthorizationPolicy/${rootNamespace}/deny-curl`);
  });

  it("a waypoint attaches a policy whose targetRef names its group and kind as Kubernetes reads them: Service in the core group (\"\" or \"core\"), Gateway in gateway.networking.k8s.io (policyattachment.go matchesGroupKind)", () => {
    const a = ambientLab(routes, "lab-a");
    const reviews = a.services.find((s) => s.name === "reviews")!;
    const policy = (targetRef: object): AmbientWorld => ({
      objects: [{ namespace: "lab-a", resource: { kind: "AuthorizationPolicy", name: "deny", spec: { action: "DENY", rules: [{}], targetRefs: [targetRef] } } as MeshObject["resource"] }],
      services: [],
      gateways: [],
      namespaces: {},
    });
    const attached = (targetRef: object) => waypointPoliciesFor(joinWorlds(a, policy(targetRef)), "lab-a/waypoint", reviews);
    for (const ref of [{ group: "", kind: "Service", name: "reviews" }, { group: "core", kind: "Service", name: "reviews" }, { group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }]) {
      expect(attached(ref), JSON.stringify(ref)).toEqual(["AuthorizationPolicy/lab-a/deny"]);
    }
    for (const ref of [{ group: "gateway.networking.k8s.io", kind: "Service", name: "reviews" }, { group: "", kind: "Gateway", name: "waypoint" }, { group: "networking.istio.io", kind: "Gateway", name: "waypoint" }]) {
      expect(attached(ref), JSON.stringify(ref)).toEqual([]);
    }
  });

  it("a waypoint takes the routes of its own and its Services' namespaces only; a namespace-wide use-waypoint label binds every Service of that namespace", () => {
    const a = ambientLab(routes, "lab-a");
    const reviews = a.services.find((s) => s.name === "reviews")!;
    const foreignRoute: AmbientWorld = { objects: [{ namespace: "lab-b", resource: { kind: "VirtualService", name: "steal", spec: { hosts: ["reviews.lab-a.svc.cluster.local"], http: [{ route: [{ destination: { host: "reviews.lab-a.svc.cluster.local" } }] }] } } as MeshObject["resource"] }], services: [], gateways: [], namespaces: {} };
    expect(waypointRoutesFor(joinWorlds(a, foreignRoute), "lab-a/waypoint", reviews)).toEqual(waypointRoutesFor(a, "lab-a/waypoint", reviews));
    expect(waypointRoutesFor(a, "lab-a/waypoint", reviews).length).toBeGreaterThan(0);
    const unlabelled = { ...a, services: a.services.map((s) => ({ ...s, labels: { app: s.name } })), namespaces: { "lab-a": { "istio.io/use-waypoint": "waypoint" } } };
    expect(servicesOfWaypoint(unlabelled, "lab-a/waypoint").length).toBe(unlabelled.services.length);
    // The ServicePatches bind only the Services the scenario names (authz-http: every Service, its allow-nothing being the namespace's).
    expect(servicesOfWaypoint(ambientLab(authz, "lab-a"), "lab-a/waypoint").sort()).toEqual(ambientSpec(authz).waypoint!.services.map((svc) => `lab-a/${svc}`));
    expect(servicesOfWaypoint(a, "lab-a/waypoint").sort()).toEqual(["lab-a/details", "lab-a/productpage", "lab-a/ratings", "lab-a/reviews"]);
  });
});

describe("the model sees what the placement prevents", () => {
  it("a lab's entry for everyone changes another namespace's way to its host", () => {
    const raw = inNamespace(spec("egress-tls-origination").resources, "lab-b");
    expect(changedBy(labObjects("egress-service-entry", "lab-a"), raw, ["lab-a"])).toContain("a bystander namespace");
    expect(changedBy(platformObjects("bookinfo"), raw, [platformNamespace])).toContain("a bystander namespace");
  });

  it("two labs serving one host: the routes of both join one virtual host, which is why a lab's host is its namespace's", () => {
    const sameHost = inNamespace(placeScenarioInLab(spec("route-all-v1"), { host: labHost("lab-a", "istio-lab.test"), gatewayNamespace: "istio-system" }).resources, "lab-b");
    expect(changedBy(labObjects("bookinfo", "lab-a"), sameHost, ["lab-a"])).toEqual(["lab-a", "lab-a (added lab older)"]);
  });

  it("two labs on one TCP port: the newer one's server is dropped, and the sibling check refuses them", () => {
    const world = [...labObjects("tcp-shift-80-20", "lab-a", 31401), ...labObjects("tcp-shift-v2", "lab-b", 31401)];
    expect(mergeGateways(world, ingressGateway.podLabels).map((s) => [s.gateway, s.port, s.kept])).toEqual([
      ["Gateway/lab-a/tcp-echo-gateway", 31401, true],
      ["Gateway/lab-b/tcp-echo-gateway", 31401, false],
    ]);
    expect(changedBy(labObjects("tcp-shift-v2", "lab-b", 31401), labObjects("tcp-shift-80-20", "lab-a", 31401), ["lab-b"])).toEqual(["lab-b (added lab older)"]);
    const lab = (stack: string) => ({ stack, platform: "local", namespace: stack, tcp: true });
    expect(tcpPortClaimedBy(lab("lab-b"), [lab("lab-a")], "istio-lab")?.stack).toBe("lab-a");
  });

  it("an object a lab may not write (a selector-less policy, a Sidecar in the root namespace) would act on every namespace", () => {
    const meshWide = (resource: MeshObject["resource"]): MeshObject[] => [{ namespace: "istio-system", resource }];
    const strict = meshWide({ kind: "PeerAuthentication", name: "default", spec: { mtls: { mode: "STRICT" } } });
    const registryOnly = meshWide({ kind: "Sidecar", name: "default", spec: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } });
    // mirroring has no Gateway: its sidecars alone see them.
    for (const added of [strict, registryOnly]) expect(changedBy(labObjects("mirroring", "lab-a"), added, ["lab-a"])).toContain("lab-a");
    // A lab's own REGISTRY_ONLY Sidecar scopes its namespace only.
    expect(changedBy(labObjects("bookinfo", "lab-a"), labObjects("egress-service-entry", "lab-b"), ["lab-a"])).toEqual([]);
  });

  it("a gateway in the root namespace takes a service's own rule before a catch-all rule there, and a private rule there first (push_context.go destinationRule)", () => {
    const host = "reviews.lab-a.svc.cluster.local";
    const rule = (namespace: string, name: string, exportTo?: string[]): MeshObject => ({
      namespace,
      resource: { kind: "DestinationRule", name, spec: { host, ...(exportTo && { exportTo }) } } as MeshObject["resource"],
    });
    const labRule = rule("lab-a", "reviews", [".", "istio-system"]);
    // Step 1 in the root namespace reads its private rules only; step 3 the service's namespace.
    expect(destinationRulesFor([rule("istio-system", "catch-all"), labRule], host, rootNamespace, "lab-a")).toEqual(["DestinationRule/lab-a/reviews"]);
    expect(destinationRulesFor([rule("istio-system", "catch-all", ["*"]), labRule], host, rootNamespace, "lab-a")).toEqual(["DestinationRule/lab-a/reviews"]);
    expect(destinationRulesFor([rule("istio-system", "mine", ["."]), labRule], host, rootNamespace, "lab-a")).toEqual(["DestinationRule/istio-system/mine"]);
    // Step 4: the root namespace's public rule, when the service's namespace exports none to the proxy.
    expect(destinationRulesFor([rule("istio-system", "catch-all"), rule("lab-a", "reviews", ["."])], host, rootNamespace, "lab-a")).toEqual(["DestinationRule/istio-system/catch-all"]);
    // Elsewhere, step 1 takes the proxy's own namespace's rule, public or private.
    expect(destinationRulesFor([rule("lab-b", "own"), labRule], host, "lab-b", "lab-a")).toEqual(["DestinationRule/lab-b/own"]);
    expect(destinationRulesFor([rule("lab-b", "hidden", ["~"]), labRule], host, "lab-b", "lab-a")).toEqual([]);
  });

  it("a platform's policy on the shared gateway acts on a lab's host, which is why a lab refuses that platform", () => {
    expect(gatewayPolicies(spec("jwt-routing"))).toEqual(["RequestAuthentication/ingress-jwt"]);
    expect(changedBy(labObjects("route-jason-v2", "lab-a"), platformObjects("jwt-routing"), ["lab-a"]).length).toBeGreaterThan(0);
  });
});
