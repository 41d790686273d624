// The scenario catalog: every name of names.ts, resolved to its data.
import type { ScenarioSpec } from "./scenario-spec";
import { bookinfo } from "./bookinfo";
import { selectApps } from "../apps";
import { inGatewayApi } from "./gateway-api";
import type { CustomService } from "../apps/custom";
import { authzDeny, authzHttp, authzTcp } from "./authz";
import { circuitBreaking } from "./circuit-breaking";
import { customOptions, customScenario } from "./custom";
import { egressGatewayHttp, egressServiceEntry, egressTlsOrigination } from "./egress";
import { ingressMtls, ingressPassthrough, ingressTls } from "./secure-ingress";
import { faultAbort, faultAbortPercent, faultDelay, faultDelayAll } from "./faults";
import { ingressHttpbin } from "./ingress";
import { mirroring } from "./mirroring";
import type { ScenarioName } from "./names";
import { scenarioOptionSchemas } from "./options";
import { requestTimeout, retries } from "./resilience";
import { routeAllV1, routeJasonV2 } from "./routing";
import { mtlsStrict } from "./security";
import { canary, shift50v3, shift80to20, shift90to10, shiftV2V3, shiftV3 } from "./shifting";
import { jwtAuth, jwtRouting } from "./jwt";
import { localityFailover, localityWeighted } from "./locality";
import { rateLimitLocal } from "./rate-limit";
import { stickySessions } from "./sticky";
import { tcpShift8020, tcpShiftV2 } from "./tcp";

/** A scenario is data, or for the few that take options, data made from the validated options. */
export const catalog = {
  bookinfo,
  "route-all-v1": routeAllV1,
  "route-jason-v2": routeJasonV2,
  "fault-delay": faultDelay,
  "fault-abort": faultAbort,
  "fault-abort-percent": faultAbortPercent,
  "fault-delay-all": faultDelayAll,
  "shift-50-v3": shift50v3,
  "shift-v3": shiftV3,
  "shift-90-10": shift90to10,
  "shift-80-20": shift80to20,
  "shift-v2-v3": shiftV2V3,
  canary,
  "tcp-shift-80-20": tcpShift8020,
  "tcp-shift-v2": tcpShiftV2,
  "locality-failover": localityFailover,
  "locality-weighted": localityWeighted,
  "request-timeout": requestTimeout,
  retries,
  mirroring,
  "circuit-breaking": circuitBreaking,
  "sticky-sessions": stickySessions,
  "mtls-strict": mtlsStrict,
  "ingress-httpbin": ingressHttpbin,
  "ingress-tls": ingressTls,
  "ingress-mtls": ingressMtls,
  "ingress-passthrough": ingressPassthrough,
  "egress-service-entry": egressServiceEntry,
  "egress-gateway": egressGatewayHttp,
  "egress-tls-origination": egressTlsOrigination,
  "authz-http": authzHttp,
  "authz-deny": authzDeny,
  "authz-tcp": authzTcp,
  "jwt-auth": jwtAuth,
  "jwt-routing": jwtRouting,
  "rate-limit-local": rateLimitLocal,
} satisfies Record<Exclude<ScenarioName, "custom">, ScenarioSpec | ((options: never) => ScenarioSpec)>;

/**
 * The scenario's data for its options. The options go through the scenario's schema again (the
 * config layer already did), so a caller outside the config path gets the same defaults and errors.
 */
export function resolveScenario(name: ScenarioName, options: unknown, customServices: readonly CustomService[] = []): ScenarioSpec {
  // `api` picks the form; every other option is the scenario's own.
  const { api, own } = splitApiOption(options);
  const spec = resolveIstioForm(name, own, customServices);
  return api === "gateway-api" ? inGatewayApi(spec, [...selectApps(spec.workloads), ...(spec.apps ?? [])], name) : spec;
}

/** The APIs a scenario's routes can be written in (`istio-lab:scenarioOptions.api`). */
export const scenarioApis = ["istio", "gateway-api"] as const;

/** `api` apart from the scenario's own options; own options that were only `api` are none. */
export function splitApiOption(options: unknown): { api: unknown; own: unknown } {
  if (options === null || typeof options !== "object" || Array.isArray(options) || !("api" in options)) return { api: undefined, own: options };
  const { api, ...own } = options as Record<string, unknown>;
  return { api, own: Object.keys(own).length > 0 ? own : undefined };
}

function resolveIstioForm(name: ScenarioName, options: unknown, customServices: readonly CustomService[]): ScenarioSpec {
  // Your own services: their routes are the options, their declaration istio-lab:apps.custom.
  if (name === "custom") return customScenario(customOptions.parse(options ?? {}), customServices);
  // Each factory takes exactly what its schema in options.ts parses to.
  const entry = catalog[name] as ScenarioSpec | ((options: unknown) => ScenarioSpec);
  if (typeof entry !== "function") return entry;
  const optionSchema = scenarioOptionSchemas[name];
  return entry(optionSchema ? optionSchema.schema.parse(options ?? optionSchema.default ?? {}) : options);
}
