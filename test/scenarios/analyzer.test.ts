// The mesh analyzer: each rule catches its broken case with a message naming the resource and
// field, and every catalog entry passes.
import { describe, expect, it } from "vitest";
import { analyzeScenario, toConfigIssues } from "../../components/scenarios/analyzer";
import { selects, type IstioResource } from "../../catalog/istio-resources";
import * as rules from "../../components/scenarios/mesh-rules";
import { meshView, type MeshView } from "../../components/scenarios/mesh-view";
import { selectApps } from "../../catalog/apps";
import { resolveScenario } from "../../catalog/scenarios";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { parseLabConfig } from "../../components/config";
import { localCluster } from "../harness";
import { standInFiles } from "../../tools/lib/stand-ins";

/** A catalog scenario's view after `edit` changed a copy of its resources. */
function broken(name: ScenarioName, edit: (resources: IstioResource[]) => IstioResource[] | void, options?: unknown): MeshView {
  const spec = options === undefined ? exampleScenario(name) : resolveScenario(name, options);
  const resources = structuredClone(spec.resources);
  return meshView(edit(resources) ?? resources, [...selectApps(spec.workloads), ...(spec.apps ?? [])], spec);
}

function find<K extends IstioResource["kind"]>(resources: IstioResource[], kind: K, name: string) {
  const found = resources.find((r) => r.kind === kind && r.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as Extract<IstioResource, { kind: K }>;
}

describe("a label selector", () => {
  it("selects a pod whose labels hold each of its keys with its value, an empty or absent one every pod (pkg/config/labels Instance.SubsetOf)", () => {
    const pod = { app: "istio-ingressgateway", istio: "ingressgateway" };
    expect(selects({ istio: "ingressgateway" }, pod)).toBe(true);
    expect(selects(pod, pod)).toBe(true);
    expect(selects({ istio: "egressgateway" }, pod)).toBe(false);
    expect(selects({ istio: "ingressgateway", version: "v1" }, pod)).toBe(false);
    expect(selects({}, pod)).toBe(true);
    expect(selects(undefined, pod)).toBe(true);
    expect(selects({ app: "reviews" }, {})).toBe(false);
  });
});

describe("every catalog entry", () => {
  it.each(scenarioNames)("%s passes the analyzer with its example input", (name) => {
    expect(analyzeScenario(name, exampleScenario(name))).toEqual([]);
  });

  it.each([{ weights: { v1: 100 } }, { weights: { v1: 10, v2: 20, v3: 70 } }, { weights: { v2: 0, v3: 100 } }])("canary %j passes", (options) => {
    expect(analyzeScenario("canary", resolveScenario("canary", options))).toEqual([]);
  });

  it.each([undefined, { hashBy: "cookie", name: "user", ttl: "0s" }, { hashBy: "sourceIp" }, { hashBy: "query", name: "u" }])("sticky-sessions %j passes", (options) => {
    expect(analyzeScenario("sticky-sessions", resolveScenario("sticky-sessions", options))).toEqual([]);
  });

  it("passes every rule on its own too", () => {
    for (const name of scenarioNames) {
      const view = broken(name, () => undefined);
      for (const rule of rules.meshRules) expect(rule(view)).toEqual([]);
    }
  });
});

describe("an AuthorizationPolicy", () => {
  it("must select a workload of the scenario when it has a selector", () => {
    const view = broken("authz-deny", (rs) => {
      (find(rs, "AuthorizationPolicy", "deny-method-get").spec.selector as { matchLabels: Record<string, string> }).matchLabels = { app: "httpbn" };
    });
    expect(rules.selectorsSelectWorkloads(view)).toEqual([
      { resource: "AuthorizationPolicy/deny-method-get", field: "spec.selector.matchLabels", message: "app=httpbn selects no workload of the scenario; it would apply to nothing" },
    ]);
    // Without a selector it is the namespace's (allow-nothing): nothing to check.
    expect(rules.selectorsSelectWorkloads(broken("authz-http", () => undefined))).toEqual([]);
  });

  it("and so must an EnvoyFilter's workload selector", () => {
    const view = broken("rate-limit-local", (rs) => {
      (find(rs, "EnvoyFilter", "filter-local-ratelimit-svc").spec.workloadSelector as { labels: Record<string, string> }).labels = { app: "product-page" };
    });
    expect(rules.selectorsSelectWorkloads(view)).toEqual([
      { resource: "EnvoyFilter/filter-local-ratelimit-svc", field: "spec.workloadSelector.labels", message: "app=product-page selects no workload of the scenario; it would apply to nothing" },
    ]);
  });
});

describe("a policy in the gateway's namespace", () => {
  it("must select the ingress gateway's pods, which are all that namespace runs", () => {
    const view = broken("jwt-routing", (rs) => {
      (find(rs, "RequestAuthentication", "ingress-jwt").spec.selector as { matchLabels: Record<string, string> }).matchLabels = { app: "httpbin" };
    });
    expect(rules.selectorsSelectWorkloads(view)).toEqual([
      {
        resource: "RequestAuthentication/ingress-jwt",
        field: "spec.selector.matchLabels",
        message: "app=httpbin selects none of the gateways' pods, the only workloads of the gateway's namespace; it would apply to nothing",
      },
    ]);
  });
});

describe("a policy on the egress gateway", () => {
  it("selects its pods where the scenario has the mesh install it, and nothing otherwise", () => {
    const onEgress = (rs: IstioResource[]): IstioResource[] => [
      ...rs,
      { kind: "AuthorizationPolicy", name: "egress-only-cnn", inGatewayNamespace: true, spec: { selector: { matchLabels: { istio: "egressgateway" } }, action: "ALLOW", rules: [] } },
    ];
    expect(rules.selectorsSelectWorkloads(broken("egress-gateway", onEgress))).toEqual([]);
    expect(rules.selectorsSelectWorkloads(broken("egress-service-entry", onEgress)).map((f) => f.resource)).toEqual(["AuthorizationPolicy/egress-only-cnn"]);
  });
});

describe("a route on a JWT claim", () => {
  const claim = "spec.http[0].match[0].headers.@request.auth.claims.groups";

  it("needs a RequestAuthentication at the ingress gateway", () => {
    const view = broken("jwt-routing", (rs) => rs.filter((r) => r.kind !== "RequestAuthentication"));
    expect(rules.claimMatchesAtAValidatingGateway(view)).toEqual([
      { resource: "VirtualService/httpbin", field: claim, message: "matches a JWT claim, but no RequestAuthentication validates tokens at the ingress gateway; the route would never match" },
    ]);
    // One in the app namespace validates for httpbin's sidecar, not for the gateway.
    const inApp = broken("jwt-routing", (rs) => rs.map((r) => (r.kind === "RequestAuthentication" ? { ...r, inGatewayNamespace: undefined } : r)));
    expect(rules.claimMatchesAtAValidatingGateway(inApp)).toHaveLength(1);
  });

  it("matches at a gateway only, never on a sidecar route", () => {
    const view = broken("jwt-routing", (rs) => {
      find(rs, "VirtualService", "httpbin").spec.gateways = ["mesh"];
    });
    expect(rules.claimMatchesAtAValidatingGateway(view)).toEqual([
      { resource: "VirtualService/httpbin", field: claim, message: "matches a JWT claim on a route of the sidecars; Istio matches claims at a gateway only, so the route would never match" },
    ]);
  });
});

describe("a DestinationRule's port settings", () => {
  it("name a port of their host, a ServiceEntry's or a Service's", () => {
    const view = broken("egress-tls-origination", (rs) => {
      find(rs, "DestinationRule", "edition-cnn-com").spec.trafficPolicy = { portLevelSettings: [{ port: { number: 8080 }, tls: { mode: "SIMPLE" } }] };
    });
    expect(rules.portSettingsOnKnownPorts(view)).toEqual([
      {
        resource: "DestinationRule/edition-cnn-com",
        field: "spec.trafficPolicy.portLevelSettings[0].port.number",
        message: "edition.cnn.com has no port 8080 (ports: 80, 443); the settings would apply to nothing",
      },
    ]);
    const onService = broken("retries", (rs) => [...rs, { kind: "DestinationRule", name: "httpbin-tls", spec: { host: "httpbin", trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: "ISTIO_MUTUAL" } }] } } }]);
    expect(rules.portSettingsOnKnownPorts(onService).map((f) => f.message)).toEqual(["httpbin has no port 80 (ports: 8000); the settings would apply to nothing"]);
  });
});

describe("locality load balancing", () => {
  const policy = (rs: IstioResource[]) => find(rs, "DestinationRule", "helloworld").spec.trafficPolicy!;

  it("fails over only with outlier detection in effect, a subset's inherited from its rule; a distribution needs none", () => {
    const view = broken("locality-failover", (rs) => {
      delete policy(rs).outlierDetection;
    });
    expect(rules.localityLbWithOutlierDetection(view)).toEqual([
      { resource: "DestinationRule/helloworld", field: "spec.trafficPolicy.loadBalancer.localityLbSetting", message: "fails over without outlierDetection in effect; Istio then never fails over, and balances without regard to locality" },
    ]);
    expect(rules.localityLbWithOutlierDetection(broken("locality-weighted", (rs) => void delete policy(rs).outlierDetection))).toEqual([]);
    // A subset that sets only its load balancer keeps the rule's outlier detection (MergeTrafficPolicy).
    const subset = broken("locality-failover", (rs) => {
      const rule = find(rs, "DestinationRule", "helloworld");
      rule.spec.subsets = [{ name: "all", trafficPolicy: { loadBalancer: rule.spec.trafficPolicy!.loadBalancer } }];
    });
    expect(rules.localityLbWithOutlierDetection(subset)).toEqual([]);
  });

  it("distributes percentages that sum to 100, to localities the pods have", () => {
    const view = broken("locality-weighted", (rs) => {
      policy(rs).loadBalancer!.localityLbSetting!.distribute![0].to = { "region1/zone1/*": 70, "region1/zone2/*": 20, "region3/zone5/*": 20 };
    });
    expect(rules.localityWeightsSumTo100(view).map((f) => f.message)).toEqual(["weights sum to 110, not 100"]);
    expect(rules.localitiesExist(view).map((f) => f.message)).toEqual([
      "region3/zone5/* is no locality of helloworld's pods (region1/zone1, region1/zone2, region2/zone3, region3/zone4); its share would go nowhere",
    ]);
    // The client's locality is no destination: only helloworld's pods count.
    const spec = structuredClone(resolveScenario("locality-weighted", undefined));
    policy(spec.resources).loadBalancer!.localityLbSetting!.distribute![0].to = { "region1/zone1/*": 50, "region9/zone9/*": 50 };
    const clientElsewhere = spec.workloads.map((w) => (w.app === "curl" ? { ...w, podLabels: { "istio-locality": "region9.zone9" } } : w));
    expect(rules.localitiesExist(meshView(spec.resources, selectApps(clientElsewhere))).map((f) => f.message.split(" (")[0])).toEqual([
      "region9/zone9/* is no locality of helloworld's pods",
    ]);
  });

  it("fails over to a region the pods have", () => {
    const view = broken("locality-failover", (rs) => {
      policy(rs).loadBalancer!.localityLbSetting!.failover = [{ from: "region1", to: "region4" }];
    });
    expect(rules.localitiesExist(view).map((f) => f.field)).toEqual(["spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].to"]);
  });
});

describe("a ServiceEntry", () => {
  it("is for a host outside the mesh, not a Service of the scenario", () => {
    const view = broken("egress-service-entry", (rs) => {
      // curl.example.org begins with a Service's name, and is still a host outside the mesh.
      find(rs, "ServiceEntry", "httpbin-ext").spec.hosts = ["httpbin.org", "curl", "curl.bookinfo.svc.cluster.local", "curl.example.org"];
    });
    expect(rules.serviceEntriesAreExternal(view).map((f) => `${f.field}: ${f.message}`)).toEqual([
      "spec.hosts[1]: curl is Service curl of this scenario; a ServiceEntry is for hosts outside the mesh",
      "spec.hosts[2]: curl.bookinfo.svc.cluster.local is Service curl of this scenario; a ServiceEntry is for hosts outside the mesh",
    ]);
  });
});

describe("a destination host", () => {
  it("of a TLS route too must be a Service of the scenario", () => {
    const view = broken("ingress-passthrough", (rs) => {
      find(rs, "VirtualService", "nginx").spec.tls![0].route[0].destination.host = "nginx";
    });
    expect(rules.destinationHostsAreServices(view).map((f) => f.field)).toEqual(["spec.tls[0].route[0].destination.host"]);
  });

  it("may be a ServiceEntry's host, with a port the entry declares", () => {
    expect(rules.destinationHostsAreServices(broken("egress-gateway", () => undefined))).toEqual([]);
    const view = broken("egress-gateway", (rs) => {
      find(rs, "VirtualService", "direct-cnn-through-egress-gateway").spec.http![1].route[0].destination.port = { number: 8080 };
    });
    expect(rules.destinationHostsAreServices(view)).toEqual([
      { resource: "VirtualService/direct-cnn-through-egress-gateway", field: "spec.http[1].route[0].destination.port.number", message: "ServiceEntry/cnn has no port 8080 (ports: 80, 443)" },
    ]);
  });

  it("must be a Service of the scenario", () => {
    const view = broken("route-all-v1", (rs) => {
      find(rs, "VirtualService", "details").spec.http![0].route[0].destination.host = "detail";
    });
    expect(rules.destinationHostsAreServices(view)).toEqual([
      {
        resource: "VirtualService/details",
        field: "spec.http[0].route[0].destination.host",
        message: "host detail is not a Service of this scenario (Services: details, ratings, reviews, productpage), nor a ServiceEntry's host or a gateway's",
      },
    ]);
  });

  it("must be a Service of the scenario when it is a mirror, FQDNs included", () => {
    const view = broken("mirroring", (rs) => {
      find(rs, "VirtualService", "httpbin").spec.http![0].mirror = { host: "httpbin2.bookinfo.svc.cluster.local", subset: "v2" };
    });
    expect(rules.destinationHostsAreServices(view).map((f) => f.field)).toEqual(["spec.http[0].mirror.host"]);
    const fqdn = broken("mirroring", (rs) => {
      find(rs, "VirtualService", "httpbin").spec.http![0].mirror = { host: "httpbin.bookinfo.svc.cluster.local", subset: "v2" };
    });
    expect(rules.destinationHostsAreServices(fqdn)).toEqual([]);
  });

  it("must use a port the Service has", () => {
    const view = broken("bookinfo", (rs) => {
      find(rs, "VirtualService", "bookinfo").spec.http![0].route[0].destination.port = { number: 8080 };
    });
    expect(rules.destinationHostsAreServices(view)).toEqual([
      { resource: "VirtualService/bookinfo", field: "spec.http[0].route[0].destination.port.number", message: "Service productpage has no port 8080 (ports: 9080)" },
    ]);
  });
});

describe("a routed subset", () => {
  it("must be defined by a DestinationRule for its host", () => {
    const view = broken("route-jason-v2", (rs) => {
      find(rs, "VirtualService", "reviews").spec.http![0].route[0].destination.subset = "v4";
    });
    expect(rules.subsetsAreDefined(view)).toEqual([
      {
        resource: "VirtualService/reviews",
        field: "spec.http[0].route[0].destination.subset",
        message: "subset v4 of reviews is not defined by any DestinationRule (defined subsets: v1, v2, v3); requests to it get 503",
      },
    ]);
  });

  it("needs a DestinationRule at all", () => {
    const view = broken("route-all-v1", (rs) => rs.filter((r) => !(r.kind === "DestinationRule" && r.name === "ratings")));
    expect(rules.subsetsAreDefined(view)).toEqual([
      {
        resource: "VirtualService/ratings",
        field: "spec.http[0].route[0].destination.subset",
        message: "subset v1 of ratings is not defined by any DestinationRule (no DestinationRule has host ratings); requests to it get 503",
      },
    ]);
  });

  it("must select a deployed workload", () => {
    // Upstream's ratings v2 needs MongoDB; the lab does not deploy it.
    const view = broken("route-all-v1", (rs) => {
      find(rs, "DestinationRule", "ratings").spec.subsets!.push({ name: "v2", labels: { version: "v2" } });
      find(rs, "VirtualService", "ratings").spec.http![0].route[0].destination.subset = "v2";
    });
    expect(rules.routedSubsetsSelectPods(view)).toEqual([
      {
        resource: "VirtualService/ratings",
        field: "spec.http[0].route[0].destination.subset",
        message: "subset v2 of ratings (app=ratings,version=v2) selects no deployed workload; requests to it get 503",
      },
    ]);
  });

  it("selects nothing when the scenario leaves that version out (mirror to httpbin v2 without deploying it)", () => {
    const spec = resolveScenario("mirroring", undefined);
    const view = meshView(spec.resources, selectApps([{ app: "httpbin", versions: ["v1"] }, { app: "curl" }]));
    expect(rules.routedSubsetsSelectPods(view).map((f) => `${f.resource} ${f.field}`)).toEqual(["VirtualService/httpbin spec.http[0].mirror.subset"]);
  });
});

describe("route weights", () => {
  it("must sum to 100", () => {
    const view = broken("shift-50-v3", (rs) => {
      find(rs, "VirtualService", "reviews").spec.http![0].route[1].weight = 40;
    });
    expect(rules.weightsSumTo100(view)).toEqual([
      { resource: "VirtualService/reviews", field: "spec.http[0].route", message: "weights sum to 90, not 100; Istio no longer rejects this and splits by the ratio" },
    ]);
  });

  it("must be whole numbers, on every destination of a split", () => {
    const view = broken("shift-90-10", (rs) => {
      const route = find(rs, "VirtualService", "reviews").spec.http![0].route;
      route[0].weight = 89.5;
      delete route[1].weight;
    });
    expect(rules.weightsSumTo100(view)).toEqual([
      { resource: "VirtualService/reviews", field: "spec.http[0].route[0].weight", message: "must be a whole number of percent, 0-100, on every destination of a split route (got 89.5)" },
      { resource: "VirtualService/reviews", field: "spec.http[0].route[1].weight", message: "must be a whole number of percent, 0-100, on every destination of a split route (got none)" },
    ]);
  });

  it("may be left out on a single destination, but a lone weight must still be 100", () => {
    expect(rules.weightsSumTo100(broken("shift-v3", () => undefined))).toEqual([]);
    const view = broken("shift-v3", (rs) => {
      find(rs, "VirtualService", "reviews").spec.http![0].route[0].weight = 50;
    });
    expect(rules.weightsSumTo100(view).map((f) => f.message)).toEqual(["weights sum to 50, not 100; Istio no longer rejects this and splits by the ratio"]);
  });
});

describe("a consistent-hash DestinationRule", () => {
  it("is not combined with a weighted route to the same host", () => {
    const weighted = resolveScenario("shift-50-v3", undefined).resources.find((r) => r.kind === "VirtualService" && r.name === "reviews")!;
    const view = broken("sticky-sessions", (rs) => [...rs, weighted]);
    expect(rules.consistentHashNotWeighted(view)).toEqual([
      {
        resource: "VirtualService/reviews",
        field: "spec.http[0].route",
        message: "splits reviews by weight while DestinationRule/reviews balances it by consistent hash; the weights pick the subset first, so sessions are not sticky",
      },
    ]);
  });

  it("may sit behind a route to one subset", () => {
    const single = resolveScenario("route-all-v1", undefined).resources.find((r) => r.kind === "VirtualService" && r.name === "reviews")!;
    expect(rules.consistentHashNotWeighted(broken("sticky-sessions", (rs) => [...rs, single]))).toEqual([]);
  });
});

describe("a route with a fault", () => {
  it("carries no retries", () => {
    const view = broken("fault-abort", (rs) => {
      find(rs, "VirtualService", "ratings").spec.http![0].retries = { attempts: 2 };
    });
    expect(rules.faultsStandAlone(view)).toEqual([
      {
        resource: "VirtualService/ratings",
        field: "spec.http[0].retries",
        message: "is set on a route that injects a fault; Istio disables retries there, so move the fault or the retries to another service",
      },
    ]);
  });

  it("carries no timeout", () => {
    const view = broken("request-timeout", (rs) => {
      find(rs, "VirtualService", "ratings").spec.http![0].timeout = "1s";
    });
    expect(rules.faultsStandAlone(view).map((f) => `${f.resource} ${f.field}`)).toEqual(["VirtualService/ratings spec.http[0].timeout"]);
  });
});

describe("a Gateway", () => {
  it("selects the ingress gateway's pods", () => {
    // What the Helm chart's pods would carry had the release been named istio-ingress.
    const view = broken("bookinfo", (rs) => {
      find(rs, "Gateway", "bookinfo-gateway").spec.selector = { istio: "ingress" };
    });
    expect(rules.gatewaysMatchAMeshGateway(view)).toEqual([
      {
        resource: "Gateway/bookinfo-gateway",
        field: "spec.selector",
        message: "istio: ingress matches the pods of no gateway the mesh installs (istio-ingressgateway with istio: ingressgateway); no gateway would serve it",
      },
    ]);
  });

  it("listens on a port of the gateway Service, not upstream's 8080", () => {
    const view = broken("bookinfo", (rs) => {
      find(rs, "Gateway", "bookinfo-gateway").spec.servers[0].port.number = 8080;
    });
    expect(rules.gatewaysMatchAMeshGateway(view)).toEqual([
      {
        resource: "Gateway/bookinfo-gateway",
        field: "spec.servers[0].port.number",
        message: "port 8080 is not a port of the istio-ingressgateway Service (80, 443, 31400); the listener would be unreachable",
      },
    ]);
  });

  it("selects the egress gateway's pods only where the scenario has the mesh install it", () => {
    expect(rules.gatewaysMatchAMeshGateway(broken("egress-gateway", () => undefined))).toEqual([]);
    const spec = resolveScenario("egress-gateway", undefined);
    const withoutEgress = meshView(spec.resources, selectApps(spec.workloads));
    expect(rules.gatewaysMatchAMeshGateway(withoutEgress)).toEqual([
      {
        resource: "Gateway/istio-egressgateway",
        field: "spec.selector",
        message: "istio: egressgateway matches the pods of no gateway the mesh installs (istio-ingressgateway with istio: ingressgateway); no gateway would serve it",
      },
    ]);
    // The route to the egress gateway's Service, too, has no gateway to go to.
    expect(rules.destinationHostsAreServices(withoutEgress).map((f) => f.field)).toEqual(["spec.http[0].route[0].destination.host"]);
  });

  it("listens on a port of the egress gateway's Service when it selects that gateway", () => {
    const view = broken("egress-gateway", (rs) => {
      find(rs, "Gateway", "istio-egressgateway").spec.servers[0].port.number = 31400;
    });
    expect(rules.gatewaysMatchAMeshGateway(view).map((f) => f.message)).toEqual([
      "port 31400 is not a port of the istio-egressgateway Service (80, 443); the listener would be unreachable",
    ]);
  });

  it("must exist when a VirtualService binds to it", () => {
    const view = broken("ingress-httpbin", (rs) => {
      find(rs, "VirtualService", "httpbin").spec.gateways = ["mesh", "httpbin-gw"];
    });
    expect(rules.boundGatewaysExist(view)).toEqual([
      { resource: "VirtualService/httpbin", field: "spec.gateways[1]", message: "names Gateway httpbin-gw, which this scenario does not define" },
    ]);
    expect(rules.boundGatewaysExist(broken("ingress-httpbin", (rs) => rs.filter((r) => r.kind !== "Gateway"))).map((f) => f.field)).toEqual(["spec.gateways[0]"]);
  });
});

describe("findings as config issues", () => {
  const finding = { resource: "VirtualService/reviews", field: "spec.http[0].route", message: "weights sum to 90, not 100" };

  it("are keyed on istio-lab:scenario and name the scenario, resource and field", () => {
    expect(toConfigIssues("shift-50-v3", resolveScenario("shift-50-v3", undefined), [finding])).toEqual([
      { key: "istio-lab:scenario", message: "scenario shift-50-v3: VirtualService/reviews spec.http[0].route: weights sum to 90, not 100" },
    ]);
  });

  it("are keyed on the option a field came from", () => {
    const spec = resolveScenario("canary", { weights: { v1: 50, v3: 50 } });
    expect(toConfigIssues("canary", spec, [finding]).map((i) => i.key)).toEqual(["istio-lab:scenarioOptions.weights"]);
    const sticky = resolveScenario("sticky-sessions", undefined);
    const hashFinding = { resource: "DestinationRule/reviews", field: "spec.trafficPolicy.loadBalancer.consistentHash", message: "x" };
    expect(toConfigIssues("sticky-sessions", sticky, [hashFinding, finding]).map((i) => i.key)).toEqual(["istio-lab:scenarioOptions.hashBy", "istio-lab:scenario"]);
  });

  it("never hide an option error: the option schema answers first", () => {
    const values = {
      "istio-lab:cluster": JSON.stringify(localCluster),
      "istio-lab:scenario": "canary",
      "istio-lab:scenarioOptions": JSON.stringify({ weights: { v1: 50, v2: 40 } }),
    };
    expect(() => parseLabConfig({ values, secretKeys: new Set(), readFile: standInFiles }, analyzeScenario)).toThrow(
      expect.objectContaining({ issues: [{ key: "istio-lab:scenarioOptions.weights", message: "must sum to 100 (they sum to 90)" }] }),
    );
  });
});
