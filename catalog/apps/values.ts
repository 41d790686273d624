// One rule per kind of value, used wherever that kind appears in a stack file: names (DNS-1123
// labels), ports, image references, and what a credential written in plain text looks like. The
// config schema (components/config/schema.ts) and your own services' (custom.ts) both take them
// from here, so a value accepted under one key is accepted under every other key of its kind.
import { z } from "zod";

/** A DNS-1123 label (Kubernetes' IsDNS1123Label: namespaces, Service names, host names). */
export const dns1123LabelPattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dns1123Label = z.string().regex(dns1123LabelPattern, {
  error: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
});

export const portRange = "must be a port number from 1 to 65535";
/** A TCP port number. */
export const port = z.int({ error: portRange }).min(1, { error: portRange }).max(65535, { error: portRange });

/**
 * The ports Istio's sidecar (Envoy and pilot-agent) listens on or captures into, in every pod of the
 * mesh, each with what it is: istio/istio release-1.31 pilot/cmd/pilot-agent/status/server.go
 * istioReservedPorts. Your own service on one of them would collide with its own sidecar.
 */
export const sidecarPorts: Readonly<Record<number, string>> = {
  15000: "Envoy admin",
  15001: "outbound traffic capture",
  15004: "pilot debug",
  15006: "inbound traffic capture",
  15008: "HBONE tunnel",
  15020: "pilot-agent status / merged Prometheus",
  15021: "Envoy health",
  15053: "DNS proxy",
  15090: "Envoy Prometheus",
};

/**
 * An image reference as the distribution reference grammar reads one (the grammar Docker, containerd
 * and the kubelet use: github.com/distribution/reference reference.go, vendored by Kubernetes):
 *
 *   reference := name [":" tag] ["@" digest];  name := [domain "/"] path-component ["/" path-component]*
 *   domain := host [":" port-number];  path-component := [a-z0-9]+ (separator [a-z0-9]+)*
 *   separator := [_.] | __ | -+;  tag := [\w][\w.-]{0,127};  digest := algorithm ":" hex{32,}
 *
 * As Docker normalises a name (ParseNormalizedNamed's splitDockerDomain), the first component is
 * the registry only when it holds a "." or ":" or is `localhost`: `registry:5000/kindest/node:v1.36.1`
 * is kindest/node on registry:5000, and `kindest/node:v1.36.1` is kindest/node on Docker Hub.
 */
export interface ImageReference {
  registry?: string;
  /** The repository path without the registry: `kindest/node`. */
  path: string;
  tag?: string;
  digest?: string;
}

const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const referencePattern = new RegExp(
  `^(?:(${domain})/)?(${pathComponent}(?:/${pathComponent})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);
/** distribution/reference: RepositoryNameTotalLengthMax. */
const pathMaximum = 255;

/** The parts of an image reference, or undefined when it is none. */
export function parseImageReference(text: string): ImageReference | undefined {
  const match = referencePattern.exec(text);
  if (!match) return undefined;
  const [, , , tag, digest] = match;
  let registry: string | undefined = match[1];
  let path = match[2];
  // `kindest/node`: the first component names a registry only when it looks like a host.
  if (registry !== undefined && !/[.:]/.test(registry) && registry !== "localhost" && !registry.startsWith("[")) {
    if (!new RegExp(`^${pathComponent}$`).test(registry)) return undefined;
    path = `${registry}/${path}`;
    registry = undefined;
  }
  if (path.length > pathMaximum) return undefined;
  return { ...(registry !== undefined && { registry }), path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export const imageReferenceError = "must be an image reference such as registry.example.com:5000/team/back:1.4.2 ([registry[:port]/]path[:tag][@sha256:digest], lower-case path)";
export const imageReference = z
  .string()
  .refine((text) => parseImageReference(text) !== undefined, { error: imageReferenceError })
  // The JSON Schema's pattern, for editors: the grammar without Docker's reading of the first component.
  .meta({ pattern: referencePattern.source });

/**
 * Environment variable names that hold credentials by convention, by their last word: DB_PASSWORD,
 * DB_PASS, GITHUB_TOKEN, CLIENT_SECRET, AWS_SECRET_ACCESS_KEY, API_KEY, SSH_PRIVATE_KEY. Only the
 * last word, so that TOKEN_TTL, KEYCLOAK_URL or DB_PASSWORD_FILE (a path) are not taken for one,
 * and not a bare KEY or PWD: SORT_KEY, CACHE_KEY and PUBLIC_KEY name no secret, PWD is the shell's
 * working folder.
 */
export const credentialEnvName = /(^|_)(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|APIKEY|API_KEY|PRIVATE_KEY|SECRET_KEY|ACCESS_KEY|CREDENTIALS?)$|_(PASS|PWD)$/i;

/**
 * Tokens by their own form, wherever they stand: a bearer token, a JWT (three base64url parts,
 * the first a JSON header: "eyJ"), and the prefixes providers give theirs (GitHub ghp_/gho_/ghs_/
 * github_pat_, GitLab glpat-, AWS access key ids AKIA/ASIA, Slack xox?-).
 */
const tokenForm = /\bBearer\s+\S{8,}|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+|\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|(AKIA|ASIA)[0-9A-Z]{16}|xox[abpors]-[\w-]{10,})\b/;

/**
 * Why a plain-text value is a credential, or undefined: a URL that carries a password
 * (`scheme://user:password@host`, as Helm repositories, Git and database URLs take one) or a token
 * as its user (a user name alone, `postgres://app@db`, `git+ssh://git@github.com`, is none), a token
 * in its query (`?token=`, `access_token=`, `sig=`, `X-Amz-Signature=`...), or a token by its form.
 */
export function credentialInValue(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i.test(value)) return "a URL with a password in it (user:password@)";
  const user = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i.exec(value)?.[1];
  if (user !== undefined && (tokenForm.test(user) || (user.length >= 20 && /\d/.test(user) && /[a-z]/i.test(user)))) return "a URL with a token as its user (token@)";
  if (/[?&](access_?token|token|auth|api_?key|key|sig|signature|x-amz-signature|password|secret)=/i.test(value)) return "a URL with a token in its query";
  if (tokenForm.test(value)) return "a token (by its form: a bearer token, a JWT or a provider's token prefix)";
  return undefined;
}
