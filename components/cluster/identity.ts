// A cluster's identity for the Kubernetes provider: its certificate authority. kubeadm, kind and
// k3d make a new CA whenever they make a cluster and keep it for the cluster's life (a rotated
// client certificate, a re-read kubeconfig keep it), so the identity changes exactly when the
// cluster is a new one: a rebuilt control plane, a replaced kind cluster.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/** A short digest of the kubeconfig's (first) cluster CA, or undefined when it names none. */
export function caDigest(kubeconfig: string): string | undefined {
  let doc: { clusters?: { cluster?: Record<string, unknown> }[] } | undefined;
  try {
    doc = parse(kubeconfig) as typeof doc;
  } catch {
    return undefined;
  }
  const ca = doc?.clusters?.[0]?.cluster?.["certificate-authority-data"];
  return typeof ca === "string" && ca.length > 0 ? crypto.createHash("sha256").update(ca).digest("hex").slice(0, 12) : undefined;
}

/**
 * `<base>-<CA digest>`: the provider's clusterIdentifier for a cluster istio-lab makes. A new one
 * replaces the provider, and the engine replaces every resource of a replaced provider (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go; pulumi-kubernetes provider.go DiffConfig replaces on a
 * changed clusterIdentifier), so a rebuilt cluster gets its mesh again instead of a state that
 * says it is there. Not a secret: a CA certificate's digest tells nothing.
 */
export function clusterIdentifierOf(base: string, kubeconfig: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.unsecret(kubeconfig.apply((k) => (caDigest(k) ? `${base}-${caDigest(k)}` : base)));
}
