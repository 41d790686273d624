// Secure gateways (tasks/traffic-management/ingress/secure-ingress): httpbin behind the ingress
// gateway over TLS, terminated with a certificate the program makes (the task makes it with
// openssl), then with mutual TLS. The Secret lives in the gateway's namespace, so these run on a
// platform stack, not on a lab stack of a shared platform.
import { gateway, ingressGatewaySelector, virtualService } from "./builders";
import { compose, type Part } from "./compose";
import type { Probe } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { nginxServerCerts } from "../apps/nginx";

const host = "httpbin.example.com";
const credentialName = "httpbin-credential";

const secureHttpbin = (mode: "SIMPLE" | "MUTUAL"): Part => ({
  workloads: [{ app: "httpbin", versions: ["v1"] }, { app: "curl" }],
  resources: [
    gateway("mygateway", { selector: ingressGatewaySelector, servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, tls: { mode, credentialName }, hosts: [host] }] }),
    virtualService("httpbin", {
      hosts: [host],
      gateways: ["mygateway"],
      http: [{ match: [{ uri: { prefix: "/status" } }, { uri: { prefix: "/delay" } }], route: [{ destination: { port: { number: 8000 }, host: "httpbin" } }] }],
    }),
  ],
});

const teapot: Probe = { kind: "call", from: "curl", url: `https://${host}/status/418`, status: 418, viaGateway: {} };

export const ingressTls: ScenarioSpec = {
  description: "httpbin over HTTPS at the ingress gateway, a certificate for httpbin.example.com made by the program (secure-ingress task, TLS)",
  ...compose(secureHttpbin("SIMPLE")),
  tlsCredentials: [{ secret: credentialName, hosts: [host] }],
  probes: [teapot],
};

export const ingressMtls: ScenarioSpec = {
  description: "httpbin over mutual TLS at the ingress gateway: only a client with a certificate of the lab's CA gets in (secure-ingress task, mutual TLS)",
  ...compose(secureHttpbin("MUTUAL")),
  tlsCredentials: [{ secret: credentialName, hosts: [host], mutual: true }],
  probes: [{ ...teapot, viaGateway: { clientCert: true } }, { ...teapot, status: "none" }],
};

// TLS passthrough (tasks/traffic-management/ingress/ingress-sni-passthrough): the gateway routes by
// SNI without terminating TLS; nginx answers with its own certificate for nginx.example.com, which
// the program makes (the task: openssl) and which the curl client trusts through the lab's CA.
const nginxHost = "nginx.example.com";

export const ingressPassthrough: ScenarioSpec = {
  description: "TLS passed through the ingress gateway by SNI to nginx, which terminates it with its own certificate for nginx.example.com (ingress-sni-passthrough task)",
  ...compose({
    workloads: [{ app: "my-nginx" }, { app: "curl" }],
    resources: [
      gateway("mygateway", { selector: ingressGatewaySelector, servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, tls: { mode: "PASSTHROUGH" }, hosts: [nginxHost] }] }),
      virtualService("nginx", {
        hosts: [nginxHost],
        gateways: ["mygateway"],
        tls: [{ match: [{ port: 443, sniHosts: [nginxHost] }], route: [{ destination: { host: "my-nginx", port: { number: 443 } } }] }],
      }),
    ],
  }),
  tlsCredentials: [{ secret: nginxServerCerts.secret, hosts: [nginxHost], servedByWorkload: true }],
  // The task's curl through the gateway, trusting the CA: nginx's own page.
  probes: [{ kind: "call", from: "curl", url: `https://${nginxHost}/`, status: 200, viaGateway: {} }],
};
