// Locality load balancing (tasks/traffic-management/locality-load-balancing): helloworld in the
// task's four localities, the curl client in region1.zone1, and the task's DestinationRules. The
// task spreads the localities over clusters; here each pod carries its locality as a label
// (catalog/apps/helloworld.ts), so one cluster of any source runs it.
import { localityLabel, taskLocalities } from "../apps/helloworld";
import { namespaceToken, type TrafficPolicy } from "../istio-resources";
import { destinationRule } from "./builders";
import { compose } from "./compose";
import type { SharesProbe } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { answersNeeded } from "./statistics";

/** The task's host, in whatever namespace the lab runs (the task's `sample`). */
const host = `helloworld.${namespaceToken}.svc.cluster.local`;

const inRegion1Zone1 = { workloads: [{ app: "helloworld" as const }, { app: "curl" as const, podLabels: { [localityLabel]: "region1.zone1" } }] };

/** Which locality answered the task's `curl helloworld:5000/hello` ("Hello version: region1.zone1, ..."). */
const answeredBy = (expected: Record<string, number>, previous: Record<string, number>): SharesProbe => ({
  kind: "shares",
  from: "curl",
  url: "http://helloworld:5000/hello",
  requests: answersNeeded(expected, previous, taskLocalities),
  previous,
  marker: { body: "Hello version: ([^,]+)," },
  versions: taskLocalities,
  expected,
});

const policy = (trafficPolicy: TrafficPolicy) => destinationRule("helloworld", { host, trafficPolicy });

export const localityFailover: ScenarioSpec = {
  description: "helloworld in four localities; the client's region1.zone1 answers, and fails over to region1.zone2, then region2 (locality-load-balancing task, failover)",
  ...compose({
    ...inRegion1Zone1,
    resources: [
      policy({
        connectionPool: { http: { maxRequestsPerConnection: 1 } },
        loadBalancer: { simple: "ROUND_ROBIN", localityLbSetting: { enabled: true, failover: [{ from: "region1", to: "region2" }] } },
        outlierDetection: { consecutive5xxErrors: 1, interval: "1s", baseEjectionTime: "1m" },
      }),
    ],
  }),
  // While region1.zone1 is healthy it answers everything; the failover itself needs its pod drained (README, the scenario table).
  // Before the DestinationRule, the four localities share the traffic evenly.
  probes: [answeredBy({ "region1.zone1": 100 }, Object.fromEntries(taskLocalities.map((l) => [l, 25])))],
};

export const localityWeighted: ScenarioSpec = {
  description: "helloworld in four localities; region1.zone1's traffic split 70/20/10 over region1.zone1, region1.zone2 and region3.zone4 (locality-load-balancing task, distribute)",
  ...compose({
    ...inRegion1Zone1,
    resources: [
      policy({
        loadBalancer: { localityLbSetting: { enabled: true, distribute: [{ from: "region1/zone1/*", to: { "region1/zone1/*": 70, "region1/zone2/*": 20, "region3/zone4/*": 10 } }] } },
        outlierDetection: { consecutive5xxErrors: 100, interval: "1s", baseEjectionTime: "1m" },
      }),
    ],
  }),
  // The task's step before is failover: region1.zone1 answers everything.
  probes: [answeredBy({ "region1.zone1": 70, "region1.zone2": 20, "region3.zone4": 10 }, { "region1.zone1": 100 })],
};
