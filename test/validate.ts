// Validates rendered Kubernetes, Istio and Gateway API objects against the published schemas.
import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { upstreamFile } from "./upstream-files";
type ModelClass = new (data: unknown) => { validate(): void };
type Models = Record<string, ModelClass | undefined>;

/** Every apiVersion istio-lab renders, with the package that holds its schemas. */
const schemas: Record<string, () => Promise<unknown>> = {
  v1: () => import("kubernetes-models/v1"),
  "apps/v1": () => import("kubernetes-models/apps/v1"),
  "batch/v1": () => import("kubernetes-models/batch/v1"),
  "rbac.authorization.k8s.io/v1": () => import("kubernetes-models/rbac.authorization.k8s.io/v1"),
  "networking.istio.io/v1": () => import("@kubernetes-models/istio/networking.istio.io/v1"),
  "networking.istio.io/v1alpha3": () => import("@kubernetes-models/istio/networking.istio.io/v1alpha3"),
  "security.istio.io/v1": () => import("@kubernetes-models/istio/security.istio.io/v1"),
  "telemetry.istio.io/v1": () => import("@kubernetes-models/istio/telemetry.istio.io/v1"),
};

/** The Gateway API's kinds, by the plural their CRD file is named after. */
const gatewayApiPlurals: Record<string, string> = { Gateway: "gateways", HTTPRoute: "httproutes", TCPRoute: "tcproutes" };
const gatewayApiValidators = new Map<string, ValidateFunction>();

/**
 * A CRD's schema with every object schema that lists its properties closed to others: the API server
 * would prune an unknown field without a word, so a misspelt one must fail here.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const entries = Object.entries(schema as Record<string, unknown>).map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v)]);
  const result = Object.fromEntries(entries) as Record<string, unknown>;
  // Only a whole object schema: a oneOf branch that names some properties constrains, it does not list.
  return result.type === "object" && result.properties && result.additionalProperties === undefined ? { ...result, additionalProperties: false } : result;
}

/** A Gateway API object against the schema of its version in the v1.6.0 standard-channel CRD (an upstream file: test/upstream-files.ts). */
function validateGatewayApi(object: Record<string, unknown>, apiVersion: string): void {
  const kind = String(object.kind);
  const key = `${apiVersion} ${kind}`;
  if (!gatewayApiValidators.has(key)) {
    const plural = gatewayApiPlurals[kind];
    if (!plural) throw new Error(`no schema for ${key}`);
    const file = upstreamFile(`gateway-api-v1.6.0/standard/gateway.networking.k8s.io_${plural}.yaml`);
    const crd = parse(fs.readFileSync(file, "utf8")) as { spec: { versions: { name: string; served: boolean; schema: { openAPIV3Schema: unknown } }[] } };
    const version = crd.spec.versions.find((v) => `gateway.networking.k8s.io/${v.name}` === apiVersion && v.served);
    if (!version) throw new Error(`the v1.6.0 CRD serves no ${key}`);
    // The CRD's own keywords (x-kubernetes-*, int32 formats) are the API server's, not JSON Schema's.
    gatewayApiValidators.set(key, new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(closed(version.schema.openAPIV3Schema) as object));
  }
  const validate = gatewayApiValidators.get(key)!;
  if (!(validate as (data: unknown) => boolean)(object)) throw new Error(`${key} ${JSON.stringify(object.metadata)}: ${(validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("; ")}`);
}

/** Throws with the schema's complaint when the object does not match its apiVersion and kind. */
export async function validateObject(object: Record<string, unknown>): Promise<void> {
  const apiVersion = String(object.apiVersion);
  if (apiVersion.startsWith("gateway.networking.k8s.io/")) return validateGatewayApi(object, apiVersion);
  const load = schemas[apiVersion];
  if (!load) throw new Error(`no schema known for apiVersion ${apiVersion}`);
  const Model = ((await load()) as Models)[String(object.kind)];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${String(object.kind)}`);
  // The render shows a Secret's data as "[secret]": its keys are the program's, its shape a map.
  const shown = object.kind === "Secret" ? Object.fromEntries(Object.entries(object).map(([k, v]) => [k, (k === "data" || k === "stringData") && v === "[secret]" ? {} : v])) : object;
  new Model(shown).validate();
}
