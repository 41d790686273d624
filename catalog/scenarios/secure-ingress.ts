// Secure gateways (tasks/traffic-management/ingress/secure-ingress): httpbin behind the ingress
// gateway over TLS, terminated with a certificate the program makes (the task makes it with
// openssl), then with mutual TLS. The Secret lives in the gateway's namespace, so these run on a
// platform stack, not on a lab stack of a shared platform.
import { gateway, ingressGatewaySelector, virtualService } from "./builders";
import { compose, type Part } from "./compose";
import type { Probe } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { nginxServerCerts } from "../apps/nginx";
import { clusterIpGatewayAnnotations, gatewayNamespaceToken, managedGatewayName, type GatewayApiResource } from "../gateway-api-resources";
import { namespaceToken } from "../istio-resources";

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

/**
 * The task's Gateway API form (its "Gateway API" tabs: snip_configure_a_tls_ingress_gateway_for_a_single_host_4
 * and _5, snip_configure_a_mutual_tls_ingress_gateway_3): the Gateway `mygateway` in the gateway's
 * namespace, beside its credential, admitting routes from the app namespace only; the HTTPRoute in
 * the app namespace. The Gateway has no `addresses`, so istiod deploys a gateway for it, as the task
 * has it (Istio's automated deployment: a Deployment and Service `mygateway-istio` in istio-system,
 * gateway-api-resources.ts managedGatewayName), not the mesh's ingress gateway.
 * One deviation: the Service istiod makes is a ClusterIP one (`networking.istio.io/service-type`,
 * the annotation the egress-gateway task writes on its Gateway). The class's default is a
 * LoadBalancer (gatewaycommon/classinfo.go DefaultServiceType), whose address stays pending on
 * kind, which keeps the Gateway from Programmed (gatewaycommon/context.go ResolveGatewayInstances:
 * "address pending"), and which a cloud cluster would give a public address; verify calls the
 * gateway from inside the mesh.
 */
const secureHttpbinGatewayApi = (mode: "SIMPLE" | "MUTUAL"): GatewayApiResource[] => [
  {
    kind: "Gateway",
    name: "mygateway",
    inGatewayNamespace: true,
    annotations: { ...clusterIpGatewayAnnotations },
    spec: {
      gatewayClassName: "istio",
      listeners: [
        {
          name: "https",
          hostname: host,
          port: 443,
          protocol: "HTTPS",
          tls: { mode: "Terminate", certificateRefs: [{ name: credentialName }], ...(mode === "MUTUAL" && { options: { "gateway.istio.io/tls-terminate-mode": "MUTUAL" } }) },
          allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": namespaceToken } } } },
        },
      ],
    },
  },
  {
    kind: "HTTPRoute",
    name: "httpbin",
    spec: {
      parentRefs: [{ name: "mygateway", namespace: gatewayNamespaceToken }],
      hostnames: [host],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/status" } }, { path: { type: "PathPrefix", value: "/delay" } }],
          backendRefs: [{ name: "httpbin", port: 8000 }],
        },
      ],
    },
  },
];

/**
 * The Service of the gateway istiod deploys for the Gateway API form's `mygateway`, which verify's
 * calls reach (curl --connect-to). The secure-ingress scenarios run on a platform stack, whose
 * gateway namespace is the mesh's, istio-system.
 */
export const secureIngressGatewayService = `${managedGatewayName({ name: "mygateway", spec: { gatewayClassName: "istio" } })}.istio-system.svc.cluster.local`;

/** A secure-ingress scenario in the task's Gateway API form: no Istio objects, the same credentials, the calls to the gateway istiod deploys. */
function secureIngressInGatewayApi(spec: ScenarioSpec, mode: "SIMPLE" | "MUTUAL"): ScenarioSpec {
  return {
    ...spec,
    resources: [],
    gatewayApi: { resources: secureHttpbinGatewayApi(mode), versionServices: [] },
    probes: spec.probes.map((p) => (p.kind === "call" && p.viaGateway ? { ...p, viaGateway: { ...p.viaGateway, service: secureIngressGatewayService } } : p)),
  };
}

export const ingressTlsInGatewayApi = (): ScenarioSpec => secureIngressInGatewayApi(ingressTls, "SIMPLE");
export const ingressMtlsInGatewayApi = (): ScenarioSpec => secureIngressInGatewayApi(ingressMtls, "MUTUAL");

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
