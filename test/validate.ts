// Validates rendered Kubernetes and Istio objects against the published schemas.
type ModelClass = new (data: unknown) => { validate(): void };

const istioGroups = new Set(["networking.istio.io", "security.istio.io", "telemetry.istio.io", "extensions.istio.io"]);

/** Throws with the schema's complaint when the object does not match its apiVersion and kind. */
export async function validateObject(object: Record<string, unknown>): Promise<void> {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module = istioGroups.has(group)
    ? await import(`@kubernetes-models/istio/${group}/${version}`)
    : await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  const Model = (module as Record<string, ModelClass | undefined>)[kind];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}`);
  new Model(object).validate();
}
