// The scenario catalog's names are part of the config contract (`istio-lab:scenario`).
export const scenarioNames = [
  "bookinfo",
  "route-all-v1",
  "route-jason-v2",
  "fault-delay",
  "fault-abort",
  "fault-abort-percent",
  "fault-delay-all",
  "shift-50-v3",
  "shift-v3",
  "shift-90-10",
  "shift-80-20",
  "shift-v2-v3",
  "canary",
  "request-timeout",
  "retries",
  "mirroring",
  "circuit-breaking",
  "sticky-sessions",
  "mtls-strict",
  "ingress-httpbin",
  "authz-http",
  "authz-deny",
  "custom",
] as const;

export type ScenarioName = (typeof scenarioNames)[number];
