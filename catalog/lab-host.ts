// Where a lab's traffic enters the platform's shared ingress gateway: one host per lab, and the
// scenario's own gateway hosts beneath it. Read by the scenario renderer, the stack outputs and
// `npm run verify`, so the three always agree.

/** A lab's host on the shared gateway: `<namespace>.<domain>`, unique because the namespace is. */
export const labHost = (namespace: string, domain: string) => `${namespace}.${domain}`;

/**
 * A scenario's gateway host as a lab serves it: `*` (Bookinfo's Gateway) is the lab's own host, and
 * a named host keeps its first label beneath it (`httpbin.example.com` -> `httpbin.<lab host>`), so
 * no lab's Gateway binds `*` or a host of another lab.
 */
export function hostInLab(host: string, lab: string): string {
  return host === "*" ? lab : `${host.split(".")[0]}.${lab}`;
}
