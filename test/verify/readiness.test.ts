// Real readiness: the wait before the probes, against a simulated istiod whose configz and syncz
// answer as Istio 1.31's debug handlers do (pilot/pkg/xds/debug.go), on a simulated clock.
import * as fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { dataplaneModeLabel as dataplaneMode } from "../../catalog/scenarios/modes";
import { plainPodLabels } from "../../tools/verify/cluster";
import {
  capturedByZtunnel,
  configObjectOf,
  istiodBehind,
  parseSyncz,
  proxyVerdicts,
  pushCounter,
  gatewayPods,
  podExpectations,
  pushedTo,
  redirection,
  sidecarStatus,
  statusBehind,
  statusObjectOf,
  type ConfigObject,
  type PodFacts,
  type StatusObject,
} from "../../tools/verify/judge/readiness";
import { awaitReadiness, istiodDebugCommand, pushWindowMs } from "../../tools/verify/readiness";
import { ClusterError, type ClusterTransport, type ExecResult } from "../../tools/verify/types";
import { resolveScenario } from "../../catalog/scenarios";
import { ingressTlsInGatewayApi } from "../../catalog/scenarios/secure-ingress";
import { useWaypointLabel, waypointGateway } from "../../catalog/scenarios/waypoint";
import { upstreamFile } from "../upstream-files";
import { noCluster, testContext } from "./context";

const app = "bookinfo";
const mesh = "istio-system";
const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
/** A nonce as istiod makes one: the push version ("<RFC3339>/<counter>", NextVersion) and a UUID (nonce()). */
const nonce = (counter: number) => `2026-12-06T03:41:20Z/${counter}${uuid}`;

describe("push counters", () => {
  it("are read back from any nonce istiod makes, whatever the UUID starts with", () => {
    fc.assert(
      fc.property(fc.nat(), fc.uuid(), fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), (n, id, t) => {
        expect(pushCounter(`${t.toISOString().replace(/\.\d+Z$/, "Z")}/${n}${id}`)).toBe(n);
      }),
    );
    expect(pushCounter("")).toBeUndefined();
    expect(pushCounter(`2026-12-06T03:41:20Z/${uuid}`)).toBeUndefined();
  });
});

describe("istiod and the cluster", () => {
  const vs: ConfigObject = { kind: "VirtualService", namespace: app, name: "reviews", resourceVersion: "12" };

  it("differ while istiod lacks an object, holds an older version, or still holds a deleted one", () => {
    expect(istiodBehind([vs], [vs])).toEqual({ behind: [], gone: [] });
    expect(istiodBehind([vs], []).behind).toEqual(["VirtualService bookinfo/reviews: not yet in istiod"]);
    expect(istiodBehind([vs], [{ ...vs, resourceVersion: "9" }]).behind).toEqual(["VirtualService bookinfo/reviews: istiod has version 9, the cluster 12"]);
    const old: ConfigObject = { kind: "DestinationRule", namespace: app, name: "reviews", resourceVersion: "5" };
    expect(istiodBehind([vs], [vs, old])).toEqual({ behind: ["DestinationRule bookinfo/reviews: deleted, istiod still has it"], gone: [old] });
  });

  it("read a Gateway API object's current generation as accepted only from istiod's status for that generation", () => {
    const route = (observed: number, status = "True"): StatusObject =>
      statusObjectOf("HTTPRoute", { metadata: { name: "reviews", namespace: app, generation: 3 }, status: { parents: [{ conditions: [{ type: "Accepted", status, observedGeneration: observed }] }] } });
    expect(statusBehind([route(3)])).toEqual([]);
    expect(statusBehind([route(2)])).toEqual(["HTTPRoute bookinfo/reviews: no Accepted condition for generation 3 yet"]);
    expect(statusBehind([route(3, "False")])).toEqual(["HTTPRoute bookinfo/reviews: Accepted is not True"]);
    expect(statusBehind([statusObjectOf("HTTPRoute", { metadata: { name: "new", namespace: app, generation: 1 } })])).toEqual(["HTTPRoute bookinfo/new: no Accepted condition for generation 1 yet"]);
    const gateway = statusObjectOf("Gateway", { metadata: { name: "gw", namespace: app, generation: 1 }, status: { conditions: [{ type: "Programmed", status: "True", observedGeneration: 1 }] } });
    expect(statusBehind([gateway])).toEqual([]);
  });

  it("take an object's last change from its newest managedFields time", () => {
    const o = configObjectOf("VirtualService", {
      metadata: { name: "reviews", namespace: app, resourceVersion: "7", creationTimestamp: "2026-12-06T03:00:00Z", managedFields: [{ time: "2026-12-06T03:40:00Z" }, { time: new Date("2026-12-06T03:20:00Z") }] },
      spec: { gateways: ["mesh"] },
    });
    expect(o).toEqual({ kind: "VirtualService", namespace: app, name: "reviews", resourceVersion: "7", changedAt: "2026-12-06T03:40:00Z", gateways: ["mesh"] });
  });
});

describe("which proxies a change reaches (proxy_dependencies.go, sidecar.go DependsOnConfig)", () => {
  const sidecar = { namespace: app, type: "sidecar" };
  const router = { namespace: mesh, type: "router" };
  const of = (kind: string, extra: Partial<ConfigObject> = {}): ConfigObject => ({ kind, namespace: app, name: "x", resourceVersion: "1", ...extra });

  it.each<[string, boolean, boolean, ConfigObject]>([
    ["a mesh VirtualService", true, true, of("VirtualService")],
    ["a VirtualService bound only to a gateway", false, true, of("VirtualService", { gateways: ["bookinfo-gateway"] })],
    ["a VirtualService with an empty gateways list (the mesh's)", true, true, of("VirtualService", { gateways: [] })],
    ["a DestinationRule", true, true, of("DestinationRule")],
    ["a ServiceEntry exported to its own namespace", true, false, of("ServiceEntry", { exportTo: ["."] })],
    ["a ServiceEntry exported everywhere", true, true, of("ServiceEntry")],
    ["an Istio Gateway", false, true, of("Gateway")],
    ["a Sidecar", true, false, of("Sidecar")],
    ["an AuthorizationPolicy of the namespace", true, true, of("AuthorizationPolicy")],
    ["an AuthorizationPolicy of another namespace", false, true, of("AuthorizationPolicy", { namespace: "other" })],
    ["an EnvoyFilter of the root namespace", true, true, of("EnvoyFilter", { namespace: mesh })],
    ["a PeerAuthentication of another namespace", false, true, of("PeerAuthentication", { namespace: "other" })],
  ])("%s: to a sidecar %s, to a gateway %s", (_, toSidecar, toRouter, config) => {
    expect(pushedTo(sidecar, config, mesh)).toBe(toSidecar);
    expect(pushedTo(router, config, mesh)).toBe(toRouter);
  });

  it("ask a push made after istiod held the scenario only of the proxies a recent change reaches", () => {
    const proxy = (id: string, type: string, acked: number, sent = acked) => ({ id, namespace: id.split(".")[1], type, types: [{ type: "Listener", sent: nonce(sent), acked: nonce(acked) }] });
    const changed = [of("Sidecar")];
    expect(proxyVerdicts([proxy("reviews-v1.bookinfo", "sidecar", 7), proxy("gw.istio-system", "router", 7)], changed, 7, mesh)).toEqual([
      { proxy: "reviews-v1.bookinfo", waiting: "no push since istiod took Sidecar bookinfo/x" },
      { proxy: "gw.istio-system" },
    ]);
    expect(proxyVerdicts([proxy("reviews-v1.bookinfo", "sidecar", 8)], changed, 7, mesh)).toEqual([{ proxy: "reviews-v1.bookinfo" }]);
    expect(proxyVerdicts([proxy("reviews-v1.bookinfo", "sidecar", 8, 9)], [], 7, mesh)[0].waiting).toMatch(/^Listener sent, not yet acknowledged/);
  });
});

/**
 * A cluster whose API has `objects` and whose istiod takes them (configz) after `lagPolls` reads,
 * pushes to every proxy once it has them (syncz counters 8 and on), and acknowledges after `ackPolls`
 * more reads; `proxies` are the ids it reports.
 */
function simulatedIstiod(options: {
  objects: ConfigObject[];
  status?: StatusObject[];
  held?: ConfigObject[];
  lagPolls?: number;
  ackPolls?: number;
  pushes?: boolean;
  proxies?: [string, string][];
  /** The pods the API lists; default: an injected pod for every proxy syncz lists. */
  pods?: PodFacts[];
  /** Proxies istiod never pushes to (ztunnel, when no change is of the kinds it takes). */
  silent?: string[];
  /** The Services labelled istio.io/use-waypoint the API lists. */
  services?: ConfigObject[];
}) {
  const { objects, lagPolls = 0, ackPolls = 0, pushes = true } = options;
  const proxies = options.proxies ?? [
    ["productpage-v1-1.bookinfo", "sidecar"],
    ["istio-ingressgateway-1.istio-system", "router"],
  ];
  let configzReads = 0;
  let syncReadsSinceHeld = -1;
  const execs: string[][] = [];
  const configz = () => {
    configzReads++;
    const held = configzReads > lagPolls ? objects : (options.held ?? []);
    if (configzReads > lagPolls && syncReadsSinceHeld < 0) syncReadsSinceHeld = 0;
    return JSON.stringify(held.map((o) => ({ apiVersion: "networking.istio.io/v1", kind: o.kind, metadata: { name: o.name, namespace: o.namespace, resourceVersion: o.resourceVersion } })));
  };
  const syncz = () => {
    // The baseline read comes first; the push follows on the next read, its acknowledgement ackPolls later.
    const reads = syncReadsSinceHeld < 0 ? 0 : syncReadsSinceHeld++;
    const sent = pushes && reads >= 1 ? 8 : 7;
    const acked = pushes && reads >= 1 + ackPolls ? 8 : 7;
    const sync = (id: string) => (options.silent?.includes(id) ? { sent: nonce(7), acked: nonce(7) } : { sent: nonce(sent), acked: nonce(acked) });
    // ztunnel watches the two delta types of its own (pilot/pkg/xds/workload.go: WDS and the RBAC policies).
    const types = (type: string) => (type === "ztunnel" ? ["type.googleapis.com/istio.workload.Address", "type.googleapis.com/istio.security.Authorization"] : ["type.googleapis.com/envoy.config.listener.v3.Listener"]);
    return JSON.stringify(proxies.map(([id, type]) => ({ proxy: id, proxy_type: type, resources: Object.fromEntries(types(type).map((t) => [t, sync(id)])) })));
  };
  const cluster: ClusterTransport = {
    ping: async () => {},
    async exec(target, command): Promise<ExecResult> {
      execs.push(command);
      expect(target).toEqual({ namespace: mesh, deployment: "istiod", container: "discovery" });
      const path = command.at(-1);
      return { stdout: path === "/debug/configz" ? configz() : syncz(), stderr: "", exitCode: 0 };
    },
    istioConfig: async (namespaces) => {
      expect(namespaces).toEqual([app, mesh]);
      return { config: objects, status: options.status ?? [], ...(options.services && { services: options.services }) };
    },
    meshPods: async () => options.pods ?? proxies.map(([id]) => injected(id)),
    labelsOf: async () => ({ namespace: {} }),
    logs: async () => "",
    runPlainPod: async () => ({ stdout: "", stderr: "", exitCode: 0 }),
    podIp: async () => "10.2.0.1",
    execEach: noCluster.execEach,
    close() {},
  };
  return { cluster, execs };
}

/** A running pod `<name>.<namespace>` as the API lists it, the injector's mark on it. */
function injected(id: string): PodFacts {
  const [name, namespace] = id.split(".");
  return { name, namespace, labels: {}, annotations: { [sidecarStatus]: "{}" }, hostNetwork: false, namespaceLabels: {} };
}

/** A clock that only moves when the wait pauses. */
const simulatedClock = (start: number) => {
  let t = start;
  const pauses: number[] = [];
  return { pauses, clock: { now: () => t, pause: async (ms: number) => void (pauses.push(ms), (t += ms)) } };
};

const now = Date.parse("2026-12-06T04:00:00Z");
const justChanged: ConfigObject = { kind: "VirtualService", namespace: app, name: "reviews", resourceVersion: "12", changedAt: "2026-12-06T03:59:58Z" };
const longAgo: ConfigObject = { ...justChanged, changedAt: "2026-12-06T03:00:00Z" };

async function wait(sim: ReturnType<typeof simulatedIstiod>, limitMs = 120_000) {
  const { clock, pauses } = simulatedClock(now);
  const readiness = await awaitReadiness(testContext({ cluster: async () => sim.cluster }), { appNamespace: app, meshNamespace: mesh, limitMs, clock });
  return { readiness, pauses };
}

describe("the wait before the probes", () => {
  it("asks istiod itself, from its own container, for its config and its proxies' sync", () => {
    expect(istiodDebugCommand("/debug/syncz")).toEqual(["pilot-discovery", "request", "GET", "/debug/syncz"]);
  });

  it("waits until istiod holds a change just made and every proxy it reaches acknowledged a push made since", async () => {
    const { readiness, pauses } = await wait(simulatedIstiod({ objects: [justChanged], held: [{ ...justChanged, resourceVersion: "9" }], lagPolls: 2, ackPolls: 1 }));
    expect(readiness).toMatchObject({ ready: true, detail: "istiod holds the lab's 1 Istio object; 2 proxies on the path acknowledged them, a push since for 1 change of the last 12 s" });
    // Two configz reads behind, then syncz: the baseline, the push sent, its acknowledgement.
    expect(pauses).toEqual([1000, 1000, 1000, 1000]);
    expect(readiness.seconds).toBe(4);
  });

  it("is ready at once where nothing changed within the push window and everything sent was acknowledged", async () => {
    const { readiness, pauses } = await wait(simulatedIstiod({ objects: [longAgo], pushes: false }));
    expect(readiness.ready).toBe(true);
    expect(pauses).toEqual([]);
    // PILOT_DEBOUNCE_MAX (10 s) and two seconds for the push and whole-second timestamps.
    expect(pushWindowMs).toBe(12_000);
  });

  it("does not take a change of the push window as served while no push followed it, and says so when the bound runs out", async () => {
    const { readiness } = await wait(simulatedIstiod({ objects: [justChanged], pushes: false }), 8_000);
    expect(readiness).toMatchObject({ ready: false, seconds: 8 });
    expect(readiness.detail).toBe(
      "2 of 2 proxies not yet serving the scenario: productpage-v1-1.bookinfo (no push since istiod took VirtualService bookinfo/reviews); istio-ingressgateway-1.istio-system (no push since istiod took VirtualService bookinfo/reviews)",
    );
  });

  it("takes a change whose push came before it looked as served once the push window has passed, not after the whole bound", async () => {
    // Changed 2 s before verify started; every proxy already acknowledged push 7, the highest there is.
    const { readiness, pauses } = await wait(simulatedIstiod({ objects: [justChanged], pushes: false }));
    expect(readiness.ready).toBe(true);
    expect(pauses.length).toBe(10);
  });

  it("takes a change the API server dates after this machine's now (its clock ahead) as made when the wait began: at most the window", async () => {
    const ahead: ConfigObject = { ...justChanged, changedAt: "2026-12-06T04:05:00Z" };
    const { readiness, pauses } = await wait(simulatedIstiod({ objects: [ahead], pushes: false }));
    expect(readiness.ready).toBe(true);
    expect(pauses.length).toBe(12);
  });

  it("compares only the kinds the lab writes, and never what istiod makes of Gateway API objects", async () => {
    const generated = { kind: "VirtualService", namespace: app, name: "reviews~0~istio-autogenerated-k8s-gateway", resourceVersion: "3" };
    const wasm = { kind: "WasmPlugin", namespace: mesh, name: "someone-elses", resourceVersion: "9" };
    const { readiness, pauses } = await wait(simulatedIstiod({ objects: [longAgo], held: [longAgo, generated, wasm], lagPolls: 1000, pushes: false }));
    expect(readiness.ready).toBe(true);
    expect(pauses).toEqual([]);
  });

  it("waits for the push of a Gateway API change once istiod accepted it", async () => {
    const route = statusObjectOf("HTTPRoute", {
      metadata: { name: "reviews", namespace: app, generation: 2, managedFields: [{ time: "2026-12-06T03:59:59Z" }, { time: "2026-12-06T04:00:00Z", subresource: "status" }] },
      status: { parents: [{ conditions: [{ type: "Accepted", status: "True", observedGeneration: 2 }] }] },
    });
    expect(route.changedAt).toBe("2026-12-06T03:59:59Z");
    const { readiness } = await wait(simulatedIstiod({ objects: [longAgo], status: [route], pushes: false }), 5_000);
    expect(readiness).toMatchObject({ ready: false });
    expect(readiness.detail).toContain("no push since istiod took HTTPRoute bookinfo/reviews");
  });

  it("waits for a deleted object to leave istiod, and for the push of its deletion", async () => {
    const deleted: ConfigObject = { kind: "DestinationRule", namespace: app, name: "reviews", resourceVersion: "4" };
    const sim = simulatedIstiod({ objects: [longAgo], held: [longAgo, deleted], lagPolls: 1 });
    const { readiness, pauses } = await wait(sim);
    expect(readiness).toMatchObject({ ready: true });
    expect(pauses.length).toBe(2);
    const stuck = await wait(simulatedIstiod({ objects: [longAgo], held: [longAgo, deleted], lagPolls: 1000 }), 5000);
    expect(stuck.readiness).toMatchObject({ ready: false, detail: "istiod does not hold the scenario yet: DestinationRule bookinfo/reviews: deleted, istiod still has it" });
  });

  it("waits for a Gateway API route until istiod accepted its current generation", async () => {
    const stale = statusObjectOf("HTTPRoute", { metadata: { name: "reviews", namespace: app, generation: 2 }, status: { parents: [{ conditions: [{ type: "Accepted", status: "True", observedGeneration: 1 }] }] } });
    const { readiness } = await wait(simulatedIstiod({ objects: [], status: [stale] }), 3000);
    expect(readiness).toMatchObject({ ready: false, detail: "istiod does not hold the scenario yet: HTTPRoute bookinfo/reviews: no Accepted condition for generation 2 yet" });
  });

  it("looks only at the proxies on the path: the app namespace's sidecars and waypoints, the mesh namespace's gateways and ztunnels", async () => {
    const sim = simulatedIstiod({
      objects: [longAgo],
      pushes: false,
      proxies: [["productpage-v1-1.bookinfo", "sidecar"], ["other-1.lab2", "sidecar"], ["waypoint-1.bookinfo", "waypoint"], ["waypoint-1.lab2", "waypoint"], ["gateway-1.lab2", "router"], ["ztunnel-x.istio-system", "ztunnel"]],
      pods: [],
    });
    const { readiness } = await wait(sim);
    expect(readiness.detail).toContain("3 proxies on the path");
  });

  it("waits for an injected pod istiod does not list yet (a sidecar still connecting), and names it", async () => {
    const { readiness } = await wait(simulatedIstiod({ objects: [longAgo], pushes: false, pods: ["productpage-v1-1.bookinfo", "istio-ingressgateway-1.istio-system", "reviews-v2-1.bookinfo"].map(injected) }), 3000);
    expect(readiness).toMatchObject({ ready: false, detail: "1 of 3 proxies not yet serving the scenario: reviews-v2-1.bookinfo (not connected to istiod yet)" });
  });

  it("reads a proxy's sync from syncz as istiod writes it", () => {
    expect(parseSyncz(JSON.stringify([{ proxy: "a-1.ns", proxy_type: "sidecar", resources: { "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": { sent: "s", acked: "a", lastError: "NACK" } } }]))).toEqual([
      { id: "a-1.ns", namespace: "ns", type: "sidecar", types: [{ type: "envoy.config.route.v3.RouteConfiguration", sent: "s", acked: "a", error: "NACK" }] },
    ]);
  });

  it("takes an answer that is not istiod's JSON (a 404 exits 0) as a cluster error", async () => {
    const sim = simulatedIstiod({ objects: [longAgo] });
    const cluster = { ...sim.cluster, exec: async () => ({ stdout: "404 page not found", stderr: "", exitCode: 0 }) };
    await expect(awaitReadiness(testContext({ cluster: async () => cluster }), { appNamespace: app, meshNamespace: mesh, limitMs: 1000, clock: simulatedClock(now).clock })).rejects.toThrow(
      /istiod's \/debug\/configz answered something else than its JSON/,
    );
  });

  it("fails as a cluster error, not a finding, when istiod cannot be asked", async () => {
    const sim = simulatedIstiod({ objects: [longAgo] });
    const cluster = { ...sim.cluster, exec: async () => ({ stdout: "", stderr: "exec: pilot-discovery: not found", exitCode: 127 }) };
    await expect(awaitReadiness(testContext({ cluster: async () => cluster }), { appNamespace: app, meshNamespace: mesh, limitMs: 1000, clock: simulatedClock(now).clock })).rejects.toThrow(ClusterError);
  });
});

describe("the wait in ambient mode (docs/ambient.md)", () => {
  const ztunnel = "ztunnel-7xk2p.istio-system";
  const waypoint = "waypoint-5d4b8c7f9-q2wz8.bookinfo";
  const ambientNs = { [dataplaneMode]: "ambient" };
  /** A pod of the app namespace (labelled ambient), captured by istio-cni once `captured`. */
  const appPod = (name: string, captured = true, labels: Record<string, string> = {}): PodFacts => ({
    name,
    namespace: app,
    labels,
    annotations: captured ? { [redirection.annotation]: redirection.enabled } : {},
    hostNetwork: false,
    namespaceLabels: ambientNs,
  });
  // The labels Istio's deployment controller gives a waypoint's pods (istio-discovery files/waypoint.yaml).
  const waypointPod: PodFacts = { ...appPod("waypoint-5d4b8c7f9-q2wz8", false), labels: { "istio.io/dataplane-mode": "none", "gateway.istio.io/managed": "istio.io-mesh-controller", "gateway.networking.k8s.io/gateway-name": "waypoint" } };
  const ztunnelPod: PodFacts = { name: "ztunnel-7xk2p", namespace: mesh, labels: { app: "ztunnel" }, annotations: {}, hostNetwork: false, namespaceLabels: {} };
  const gatewayPod = injected("istio-ingressgateway-1.istio-system");
  const proxies: [string, string][] = [
    [ztunnel, "ztunnel"],
    [waypoint, "waypoint"],
    ["istio-ingressgateway-1.istio-system", "router"],
  ];
  const policy: ConfigObject = { kind: "AuthorizationPolicy", namespace: app, name: "tcp-policy", resourceVersion: "12", changedAt: "2026-12-06T03:59:58Z" };

  it("expects each pod's proxy connected, and every pod istio-cni captures marked, as the cni chart's enablement selectors decide", () => {
    const pods = [appPod("tcp-echo-v1-1"), waypointPod, ztunnelPod, gatewayPod, appPod("plain", false, { ...plainPodLabels }), { ...appPod("host", false), hostNetwork: true }, { ...injected("legacy-1.bookinfo"), namespaceLabels: ambientNs }];
    expect(podExpectations(pods, mesh)).toEqual([
      { pod: "tcp-echo-v1-1.bookinfo", captured: true },
      { pod: waypoint, proxy: "waypoint" },
      { pod: ztunnel, proxy: "ztunnel" },
      { pod: "istio-ingressgateway-1.istio-system", proxy: "sidecar" },
      { pod: "legacy-1.bookinfo", proxy: "sidecar" },
    ]);
  });

  it("captures exactly the pods the istio-cni chart's default enablementSelectors select (charts/istio-cni/values.yaml)", () => {
    const values = parseYaml(fs.readFileSync(upstreamFile("istio-1.31/charts/istio-cni/values.yaml"), "utf8")) as { _internal_defaults_do_not_set: { ambient: { enablementSelectors: Selector[] } } };
    type Selector = { podSelector?: LabelSelector; namespaceSelector?: LabelSelector };
    type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
    const selects = (sel: LabelSelector | undefined, labels: Record<string, string>) =>
      Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
      (sel?.matchExpressions ?? []).every((e) => (e.operator === "NotIn" ? !e.values.includes(labels[e.key]) : e.operator === "In" ? e.values.includes(labels[e.key]) : false));
    const selectors = values._internal_defaults_do_not_set.ambient.enablementSelectors;
    expect(selectors.length).toBeGreaterThan(0);
    const mode = fc.option(fc.constantFrom("ambient", "none", "other"), { nil: undefined });
    fc.assert(
      fc.property(mode, mode, (podMode, nsMode) => {
        const labels: Record<string, string> = podMode === undefined ? {} : { [dataplaneMode]: podMode };
        const namespaceLabels: Record<string, string> = nsMode === undefined ? {} : { [dataplaneMode]: nsMode };
        const upstream = selectors.some((s) => selects(s.podSelector, labels) && selects(s.namespaceSelector, namespaceLabels));
        expect(capturedByZtunnel({ labels, annotations: {}, hostNetwork: false, namespaceLabels })).toBe(upstream);
      }),
    );
    // verify's plaintext client stays outside the mesh in an ambient namespace.
    expect(capturedByZtunnel({ labels: { ...plainPodLabels }, annotations: {}, hostNetwork: false, namespaceLabels: ambientNs })).toBe(false);
  });

  it("asks a push since of ztunnel only for an AuthorizationPolicy it enforces (no targetRefs), and of a waypoint for every change", () => {
    const z = { namespace: mesh, type: "ztunnel" };
    const w = { namespace: app, type: "waypoint" };
    expect(pushedTo(z, policy, mesh)).toBe(true);
    expect(pushedTo(z, { ...policy, namespace: "other" }, mesh)).toBe(true);
    const targeted = configObjectOf("AuthorizationPolicy", { metadata: { name: "p", namespace: app }, spec: { targetRefs: [{ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }] } });
    expect(targeted.targeted).toBe(true);
    expect(pushedTo(z, targeted, mesh)).toBe(false);
    for (const kind of ["VirtualService", "DestinationRule", "PeerAuthentication", "Telemetry", "HTTPRoute"]) expect(pushedTo(z, { ...policy, kind }, mesh)).toBe(false);
    for (const kind of ["VirtualService", "AuthorizationPolicy", "HTTPRoute", "Sidecar"]) expect(pushedTo(w, { ...policy, kind }, mesh)).toBe(true);
  });

  it("waits for ztunnel's push of a policy just changed, over its own xDS types", async () => {
    const sim = simulatedIstiod({ objects: [policy], proxies, pods: [appPod("tcp-echo-v1-1"), waypointPod, ztunnelPod, gatewayPod], ackPolls: 1 });
    const { readiness } = await wait(sim);
    expect(readiness).toMatchObject({ ready: true, detail: "istiod holds the lab's 1 Istio object; 3 proxies on the path acknowledged them, a push since for 1 change of the last 12 s; 1 pod captured by ztunnel" });
    const stuck = await wait(simulatedIstiod({ objects: [policy], proxies, pods: [ztunnelPod], silent: [ztunnel] }), 5000);
    expect(stuck.readiness).toMatchObject({ ready: false, detail: `1 of 3 proxies not yet serving the scenario: ${ztunnel} (no push since istiod took AuthorizationPolicy bookinfo/tcp-policy)` });
  });

  it("does not wait for a ztunnel push a VirtualService never makes", async () => {
    const { readiness, pauses } = await wait(simulatedIstiod({ objects: [justChanged], proxies, pods: [ztunnelPod, waypointPod], silent: [ztunnel] }));
    expect(readiness.ready).toBe(true);
    expect(pauses.length).toBeLessThan(5);
  });

  it("waits for a pod istio-cni has not captured yet, a ztunnel or a waypoint not connected yet, and names them", async () => {
    const pods = [appPod("tcp-echo-v2-1", false), ztunnelPod, waypointPod, { ...ztunnelPod, name: "ztunnel-new" }];
    const { readiness } = await wait(simulatedIstiod({ objects: [longAgo], pushes: false, proxies: [[ztunnel, "ztunnel"]], pods }), 3000);
    expect(readiness).toMatchObject({
      ready: false,
      detail: `3 of 3 proxies and 1 ambient pod not yet serving the scenario: ${waypoint} (waypoint not connected to istiod yet); ztunnel-new.istio-system (ztunnel not connected to istiod yet); tcp-echo-v2-1.bookinfo (not captured by ztunnel yet (ambient.istio.io/redirection: absent))`,
    });
  });
});

describe("the Gateways istiod deploys a proxy for (judge/readiness.ts gatewayPods)", () => {
  const ambientNs = { [dataplaneMode]: "ambient" };
  /** A Gateway the catalog writes, as the API lists it once istiod wrote it Programmed. */
  const listed = (r: { name: string; spec: unknown }, namespace: string): StatusObject =>
    statusObjectOf("Gateway", {
      metadata: { name: r.name, namespace, generation: 1, managedFields: [{ time: "2026-12-06T03:00:00Z" }] },
      spec: r.spec as never,
      status: { conditions: [{ type: "Programmed", status: "True", observedGeneration: 1 }] },
    });
  const gatewayOf = (resources: readonly { kind: string; name: string; spec: unknown }[] | undefined, name: string) => resources!.find((r) => r.kind === "Gateway" && r.name === name)!;
  const waypointGw = listed({ name: waypointGateway("waypoint").metadata.name, spec: waypointGateway("waypoint").spec }, app);
  const mygateway = listed(gatewayOf(ingressTlsInGatewayApi().gatewayApi?.resources, "mygateway"), mesh);
  const cnn = listed(gatewayOf(resolveScenario("egress-gateway", { api: "gateway-api" } as never).gatewayApi?.resources, "cnn-egress-gateway"), app);
  const httpbinGw = listed(gatewayOf(resolveScenario("ingress-httpbin", { api: "gateway-api" } as never).gatewayApi?.resources, "httpbin-gateway"), app);
  /** A pod Istio's deployment controller made for Gateway `gateway` (files/waypoint.yaml, files/kube-gateway.yaml: the gateway-name label). */
  const podOf = (gateway: string, name: string, namespace: string, pending = false): PodFacts => ({
    name,
    namespace,
    labels: { "gateway.networking.k8s.io/gateway-name": gateway, "istio.io/dataplane-mode": "none" },
    annotations: {},
    hostNetwork: false,
    namespaceLabels: namespace === app ? ambientNs : {},
    ...(pending && { pending: true as const }),
  });

  it("expects a pod of each waypoint of the app namespace and of each managed Gateway of class istio, pending ones counted; none of a Gateway on an existing Service", () => {
    expect([waypointGw, mygateway, cnn, httpbinGw].map((g) => [g.name, g.gatewayClassName, g.managed])).toEqual([
      ["waypoint", "istio-waypoint", true],
      ["mygateway", "istio", true],
      ["cnn-egress-gateway", "istio", true],
      ["httpbin-gateway", "istio", false],
    ]);
    const pods = [podOf("waypoint", "waypoint-5d4b8c7f9-q2wz8", app, true), podOf("mygateway", "mygateway-istio-6c9d8-abcde", mesh), podOf("waypoint", "waypoint-7-x", "lab2")];
    expect(gatewayPods([waypointGw, mygateway, cnn, httpbinGw, { ...waypointGw, namespace: "lab2" }], pods, app, mesh)).toEqual({
      expected: [
        { pod: "waypoint-5d4b8c7f9-q2wz8.bookinfo", proxy: "waypoint" },
        { pod: "mygateway-istio-6c9d8-abcde.istio-system", proxy: "gateway" },
      ],
      missing: [{ proxy: "Gateway bookinfo/cnn-egress-gateway", waiting: "no gateway pod yet (istiod deploys it, labelled gateway.networking.k8s.io/gateway-name: cnn-egress-gateway)" }],
    });
  });

  it("waits for a waypoint that has no pod yet, then for its pending pod to connect", async () => {
    const none = await wait(simulatedIstiod({ objects: [longAgo], pushes: false, status: [waypointGw], pods: [] }), 3000);
    expect(none.readiness).toMatchObject({ ready: false, detail: expect.stringContaining("Gateway bookinfo/waypoint (no waypoint pod yet") });
    const pending = await wait(simulatedIstiod({ objects: [longAgo], pushes: false, status: [waypointGw], pods: [podOf("waypoint", "waypoint-5d4b8c7f9-q2wz8", app, true)] }), 3000);
    expect(pending.readiness).toMatchObject({ ready: false, detail: expect.stringContaining("waypoint-5d4b8c7f9-q2wz8.bookinfo (waypoint not connected to istiod yet)") });
    const connected = await wait(
      simulatedIstiod({ objects: [longAgo], pushes: false, status: [waypointGw], pods: [podOf("waypoint", "waypoint-5d4b8c7f9-q2wz8", app)], proxies: [["waypoint-5d4b8c7f9-q2wz8.bookinfo", "waypoint"]] }),
      3000,
    );
    expect(connected.readiness.ready).toBe(true);
  });

  it("waits for the pod of a managed Gateway written Programmed (its Service has an address) until its proxy connects", async () => {
    const pod = podOf("mygateway", "mygateway-istio-6c9d8-abcde", mesh);
    const unconnected = await wait(simulatedIstiod({ objects: [longAgo], pushes: false, status: [mygateway, cnn], pods: [pod, podOf("cnn-egress-gateway", "cnn-egress-gateway-istio-1-x", app)], proxies: [["cnn-egress-gateway-istio-1-x.bookinfo", "router"]] }), 3000);
    expect(unconnected.readiness).toMatchObject({ ready: false, detail: "1 of 2 proxies not yet serving the scenario: mygateway-istio-6c9d8-abcde.istio-system (gateway not connected to istiod yet)" });
    const connected = await wait(simulatedIstiod({ objects: [longAgo], pushes: false, status: [mygateway], pods: [pod], proxies: [["mygateway-istio-6c9d8-abcde.istio-system", "router"]] }), 3000);
    expect(connected.readiness.ready).toBe(true);
  });

  it("takes a Service just bound to a waypoint (its managedFields time) as a change ztunnel must have a push for", async () => {
    const ztunnel = "ztunnel-7xk2p.istio-system";
    const ztunnelPod: PodFacts = { name: "ztunnel-7xk2p", namespace: mesh, labels: { app: "ztunnel" }, annotations: {}, hostNetwork: false, namespaceLabels: {} };
    const bound = configObjectOf("Service", { metadata: { name: "productpage", namespace: app, resourceVersion: "31", creationTimestamp: "2026-12-06T03:00:00Z", managedFields: [{ time: "2026-12-06T03:59:59Z" }] } });
    expect(bound.changedAt).toBe("2026-12-06T03:59:59Z");
    expect(pushedTo({ namespace: mesh, type: "ztunnel" }, bound, mesh)).toBe(true);
    const silent = await wait(simulatedIstiod({ objects: [longAgo], services: [bound], proxies: [[ztunnel, "ztunnel"]], pods: [ztunnelPod], silent: [ztunnel] }), 5000);
    expect(silent.readiness).toMatchObject({ ready: false, detail: `1 of 1 proxy not yet serving the scenario: ${ztunnel} (no push since istiod took Service bookinfo/productpage)` });
    const pushed = await wait(simulatedIstiod({ objects: [longAgo], services: [bound], proxies: [[ztunnel, "ztunnel"]], pods: [ztunnelPod] }));
    expect(pushed.readiness.ready).toBe(true);
    // The label that makes it one: the catalog's binding label.
    expect(useWaypointLabel).toBe("istio.io/use-waypoint");
  });
});
