// Validates rendered Kubernetes and Istio objects against the published schemas.
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

/** Throws with the schema's complaint when the object does not match its apiVersion and kind. */
export async function validateObject(object: Record<string, unknown>): Promise<void> {
  const apiVersion = String(object.apiVersion);
  const load = schemas[apiVersion];
  if (!load) throw new Error(`no schema known for apiVersion ${apiVersion}`);
  const Model = ((await load()) as Models)[String(object.kind)];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${String(object.kind)}`);
  // The render shows a Secret's data as "[secret]": its keys are the program's, its shape a map.
  const shown = object.kind === "Secret" ? Object.fromEntries(Object.entries(object).map(([k, v]) => [k, (k === "data" || k === "stringData") && v === "[secret]" ? {} : v])) : object;
  new Model(shown).validate();
}
