// The certificates of a secure-ingress scenario, made by the program as Pulumi secrets where the
// task makes them with openssl: a CA for the lab, a server certificate per credential signed by it,
// a client certificate for mutual TLS. The gateway reads its Secret (credentialName) from its own
// namespace; the curl client reads the CA (and its certificate) from the Secret samples/curl mounts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { curlTls } from "../../catalog/apps/clients";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { logicalName } from "../logical-name";

export interface TlsCredentialArgs {
  credentials: NonNullable<ScenarioSpec["tlsCredentials"]>;
  /** Where the gateway runs: its credential Secrets go there. */
  gatewayNamespace: string;
  /** Where the curl client runs: its Secret goes there. */
  appNamespace: string;
}

/** A year: a lab outlives a working day, not a certificate rotation policy. */
const validityPeriodHours = 24 * 365;
const key = (name: string, opts: pulumi.CustomResourceOptions) => new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);

/** A certificate for `names`, signed by the lab's CA. */
function signed(name: string, names: string[], uses: string[], ca: { key: tls.PrivateKey; cert: tls.SelfSignedCert }, opts: pulumi.CustomResourceOptions) {
  const k = key(`${name}-key`, opts);
  const request = new tls.CertRequest(`${name}-request`, { privateKeyPem: k.privateKeyPem, subject: { commonName: names[0], organization: "istio-lab" }, dnsNames: names }, opts);
  const cert = new tls.LocallySignedCert(
    `${name}-cert`,
    { certRequestPem: request.certRequestPem, caPrivateKeyPem: ca.key.privateKeyPem, caCertPem: ca.cert.certPem, validityPeriodHours, allowedUses: ["digital_signature", "key_encipherment", ...uses] },
    opts,
  );
  return { key: k, cert };
}

/** The CA, the certificates and the two kinds of Secret; every key stays a Pulumi secret. */
export function tlsCredentials(args: TlsCredentialArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  const caKey = key("lab-ca-key", opts);
  const caCert = new tls.SelfSignedCert(
    "lab-ca",
    { privateKeyPem: caKey.privateKeyPem, isCaCertificate: true, subject: { commonName: "istio-lab CA", organization: "istio-lab" }, validityPeriodHours, allowedUses: ["cert_signing", "crl_signing"] },
    opts,
  );
  const ca = { key: caKey, cert: caCert };
  const secrets: pulumi.Resource[] = [];
  const client = args.credentials.some((c) => c.mutual) ? signed("lab-client", ["client.istio-lab.test"], ["client_auth"], ca, opts) : undefined;
  for (const credential of args.credentials) {
    const server = signed(credential.secret, credential.hosts, ["server_auth"], ca, opts);
    // Where the TLS ends: at the gateway, or at the workload itself (passthrough).
    const namespace = credential.servedByWorkload ? args.appNamespace : args.gatewayNamespace;
    secrets.push(
      new k8s.core.v1.Secret(
        logicalName("Secret", namespace, credential.secret),
        {
          metadata: { name: credential.secret, namespace },
          type: "kubernetes.io/tls",
          // Istio reads ca.crt of a gateway credential as the CA that client certificates must chain to.
          stringData: { "tls.crt": server.cert.certPem, "tls.key": pulumi.secret(server.key.privateKeyPem), ...(credential.mutual && { "ca.crt": caCert.certPem }) },
        },
        opts,
      ),
    );
  }
  secrets.push(
    new k8s.core.v1.Secret(
      logicalName("Secret", args.appNamespace, curlTls.secret),
      {
        metadata: { name: curlTls.secret, namespace: args.appNamespace },
        stringData: {
          [curlTls.ca]: caCert.certPem,
          ...(client && { [curlTls.clientCert]: client.cert.certPem, [curlTls.clientKey]: pulumi.secret(client.key.privateKeyPem) }),
        },
      },
      opts,
    ),
  );
  return secrets;
}
