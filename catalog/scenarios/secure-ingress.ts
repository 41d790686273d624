// Secure gateways (tasks/traffic-management/ingress/secure-ingress): httpbin behind the ingress
// gateway over TLS, terminated with a certificate the program makes (the task makes it with
// openssl), then with mutual TLS. The Secret lives in the gateway's namespace, so these run on a
// platform stack, not on a lab stack of a shared platform.
import { gateway, ingressGatewaySelector, virtualService } from "./builders";
import { compose, type Part } from "./compose";
import type { Probe } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";

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
