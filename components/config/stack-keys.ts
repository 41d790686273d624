// Every key a stack file's `config:` may set, as the stack file writes it: the project's own keys
// (`istio-lab:<key>`, or `<key>` alone, which the CLI reads as the project's) and the vSphere
// provider's (`vsphere:<key>`). parse.ts reads the same keys from what the CLI hands the program
// (every value as text); schema/stack-config.schema.json and docs/configuration.md are made from
// these (`npm run config-docs`, tools/lib/config-reference.ts).
import { z } from "zod";
import { scenarioNames } from "../../catalog/scenarios/names";
import * as schema from "./schema";

/** A value stored with `pulumi config set --secret`: its ciphertext, which only the stack's passphrase or secrets provider opens. */
export const secureValue = z
  .strictObject({ secure: z.string().min(1).meta({ description: "The ciphertext `pulumi config set --secret` writes." }) })
  .meta({ description: "A secret, as `pulumi config set --secret` stores it.", examples: [{ secure: "v1:bm9uY2U=:c2VhbGVk" }] });

/** `pulumi config set` stores a flag as the text true or false; a stack file may write either. */
const flagValue = z.union([z.boolean(), z.enum(["true", "false"])]);

/**
 * The project's keys, in the order messages list them. The scalar ones are their stack-file form
 * here; parse.ts checks the text the CLI hands over with the schemas of schema.ts. scenarioOptions
 * depends on the scenario: its form per scenario is scenarioOptionForms in
 * tools/lib/config-reference.ts, from catalog/scenarios/options.ts.
 */
export const projectKeys = {
  platform: z
    .union([z.literal(""), schema.platform])
    .meta({ ...z.globalRegistry.get(schema.platform), default: "" }),
  scenario: z
    .enum(scenarioNames)
    .meta({ description: "The traffic scenario from the catalog (docs/catalog.md); custom runs your own services (apps.custom).", examples: ["canary"], default: "bookinfo" }),
  scenarioOptions: z
    .record(z.string(), z.unknown())
    .meta({ description: "The chosen scenario's options, and `api` for the scenarios that have a Gateway API form; the scenarios that take options are listed below." }),
  cluster: schema.cluster.meta({ description: "Where the cluster comes from and how it is built; required of a platform stack, refused in a lab stack." }),
  sshPrivateKey: secureValue.meta({
    description: "Secret: the private key istio-lab logs in to the nodes with (sources vsphere and hosts): `pulumi config set --secret istio-lab:sshPrivateKey < ~/.ssh/id_ed25519`.",
  }),
  kubeconfig: secureValue.meta({ description: "Secret: kubeconfig contents for source kubeconfig, instead of cluster.kubeconfig's path: `pulumi config set --secret istio-lab:kubeconfig < <file>`." }),
  mesh: schema.mesh.meta({ description: "Istio's release, the ingress gateway, the addons and their dashboards; refused in a lab stack." }),
  // A lab stack's apps take tcpPort too (schema.labApps); a platform's own lab keeps the tasks' port.
  apps: schema.apps.extend({ tcpPort: schema.labApps.shape.tcpPort }).meta({ description: "The lab's namespace, an image mirror, your own services, and a lab stack's TCP port on the shared gateway." }),
  verify: schema.verify.meta({ description: "The verify gate at the end of `pulumi up`." }),
  identifierUpgrade: flagValue.meta({ ...schema.identifierUpgradeMeta, default: false }),
} as const;

export type ProjectKey = keyof typeof projectKeys;
export const projectKeyNames = Object.keys(projectKeys) as ProjectKey[];

/**
 * The vSphere provider's configuration keys and their kinds: pulumi-vsphere 4.17.0's schema.json
 * `config.variables` (the provider refuses a key it does not know, and the program before it).
 */
export const vsphereProviderKeys = {
  vsphereServer: { kind: "string", description: "The vCenter server's name or address; required for source vsphere.", examples: ["vcenter.lab.example.com"] },
  user: { kind: "string", description: "The vCenter user; required for source vsphere.", examples: ["administrator@vsphere.local"] },
  password: { kind: "secret", description: "Secret: the vCenter user's password; required for source vsphere: `pulumi config set --secret vsphere:password`." },
  allowUnverifiedSsl: { kind: "boolean", description: "true accepts a vCenter certificate that cannot be verified (a lab's self-signed one).", examples: [true] },
  apiTimeout: { kind: "integer", description: "The API timeout in minutes (5 when unset).", examples: [10] },
  clientDebug: { kind: "boolean", description: "govmomi's debug log.", examples: [false] },
  clientDebugPath: { kind: "string", description: "Where govmomi's debug log goes.", examples: ["/tmp/govmomi"] },
  clientDebugPathRun: { kind: "string", description: "Where govmomi's debug log of a single run goes.", examples: ["/tmp/govmomi-run"] },
  persistSession: { kind: "boolean", description: "Keep vSphere client sessions on disk between runs.", examples: [true] },
  restSessionPath: { kind: "string", description: "The folder of saved vSphere REST API sessions.", examples: ["~/.govmomi/rest_sessions"] },
  vimKeepAlive: { kind: "integer", description: "The keep-alive interval of the VIM session, in minutes.", examples: [10] },
  vimSessionPath: { kind: "string", description: "The folder of saved vSphere SOAP API sessions.", examples: ["~/.govmomi/sessions"] },
  vcenterServer: { kind: "string", description: "Deprecated: the provider's old name of vsphereServer.", examples: ["vcenter.lab.example.com"] },
} as const satisfies Record<string, { kind: "string" | "boolean" | "integer" | "secret"; description: string; examples?: readonly unknown[] }>;

export type VsphereProviderKey = keyof typeof vsphereProviderKeys;

/** Text the provider reads as a boolean (Go's strconv.ParseBool, which the Terraform bridge uses). */
export const providerBooleans = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"] as const;

/** A provider key's value as a stack file writes it (the CLI hands the provider its text). */
export function vsphereKeySchema(name: VsphereProviderKey): z.ZodType {
  const { kind, description, ...rest } = vsphereProviderKeys[name];
  const examples = "examples" in rest ? [...rest.examples] : undefined;
  const meta = { description, ...(examples && { examples }) };
  switch (kind) {
    case "secret":
      return secureValue.meta(meta);
    case "boolean":
      return z.union([z.boolean(), z.enum(providerBooleans)]).meta(meta);
    case "integer":
      return z.union([z.int(), z.string().regex(/^[+-]?\d+$/)]).meta(meta);
    default:
      // A provider's text may be a secret too (`pulumi config set --secret vsphere:user ...`).
      return z.union([z.string(), secureValue]).meta(meta);
  }
}

/**
 * The problem with a provider key's text, as the CLI hands it to the program: a key the provider
 * does not know, or a value of the wrong kind. Undefined when it is fine.
 */
export function vsphereKeyProblem(name: string, text: string): string | undefined {
  if (!(name in vsphereProviderKeys)) return undefined;
  const { kind } = vsphereProviderKeys[name as VsphereProviderKey];
  if (kind === "boolean" && !(providerBooleans as readonly string[]).includes(text)) return `must be true or false, not ${JSON.stringify(text)}`;
  if (kind === "integer" && !/^[+-]?\d+$/.test(text)) return `must be a whole number, not ${JSON.stringify(text)}`;
  return undefined;
}
