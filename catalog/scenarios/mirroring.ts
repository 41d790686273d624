// Mirroring (tasks/traffic-management/mirroring), on the go-httpbin sample.
import type { ScenarioSpec } from "./scenario-spec";
import { compose } from "./compose";
import { destinationRule, toSubset, virtualService } from "./builders";

export const mirroring: ScenarioSpec = {
  description: "httpbin v1 answers every request, a copy of each goes to v2 (tasks/traffic-management/mirroring)",
  ...compose({
    workloads: [{ app: "httpbin", versions: ["v1", "v2"] }, { app: "curl" }],
    resources: [
      destinationRule("httpbin", {
        host: "httpbin",
        subsets: [
          { name: "v1", labels: { version: "v1" } },
          { name: "v2", labels: { version: "v2" } },
        ],
      }),
      virtualService("httpbin", {
        hosts: ["httpbin"],
        http: [{ route: [toSubset("httpbin", "v1", 100)], mirror: { host: "httpbin", subset: "v2" }, mirrorPercentage: { value: 100 } }],
      }),
    ],
  }),
  probes: [{ kind: "mirrored", from: "curl", url: "http://httpbin:8000/headers", answeredBy: "httpbin-v1", alsoLoggedBy: ["httpbin-v2"] }],
};
