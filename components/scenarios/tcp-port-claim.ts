// A lab's hold on a TCP port of the shared ingress gateway, as an object of the cluster. The sibling
// check (config/sibling-labs.ts tcpPortClaimedBy) sees only the stack files beside a lab's; two labs
// from two folders or checkouts would otherwise share a port silently (Istio keeps the older
// Gateway's server: tools/lib/mesh-model.ts mergeGateways). So a lab that holds a port creates
// ConfigMap istio-lab-tcp-<port> in the gateway's namespace before anything of its own, and never
// adopts one: the lab's provider sets no upsertExistingObjects, so pulumi-kubernetes creates it with a
// plain create (provider/pkg/await/await.go Creation: Patch only with UpsertExistingObjects or a
// Patch resource, else client.Create), which the API server refuses with AlreadyExists while
// another lab holds the port; the update stops there, naming the ConfigMap ("The resource already
// exists in the cluster"). A preview does not show it: the provider treats AlreadyExists in a
// server-side dry run as a preview it cannot compute (provider/pkg/provider/provider.go Create,
// `k.serverSideApplyMode && apierrors.IsAlreadyExists(awaitErr)`). Destroying the lab, or a scenario
// or port change, deletes the claim and frees the port.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { logicalName } from "../logical-name";

/** The label every claim carries, its value the port: `kubectl -n istio-system get configmaps -l istio-lab/tcp-port` lists who holds which. */
export const tcpPortClaimLabel = "istio-lab/tcp-port";

/** The claim's name for a port: one object per port, whoever holds it. */
export const tcpPortClaimName = (port: number) => `istio-lab-tcp-${port}`;

export interface TcpPortClaimArgs {
  port: number;
  /** The shared gateway's namespace, where every lab of the platform meets. */
  gatewayNamespace: string;
  /** The lab holding it, as its owner reads it in `kubectl get -o yaml`. */
  stack: string;
  namespace: string;
}

/** The ConfigMap that holds a TCP port of the shared gateway for one lab (see above). */
export function tcpPortClaim(args: TcpPortClaimArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
  const name = tcpPortClaimName(args.port);
  return new k8s.core.v1.ConfigMap(
    logicalName("ConfigMap", args.gatewayNamespace, name),
    {
      metadata: {
        name,
        namespace: args.gatewayNamespace,
        labels: { [tcpPortClaimLabel]: String(args.port) },
        annotations: { "istio-lab/stack": args.stack, "istio-lab/namespace": args.namespace },
      },
      data: { port: String(args.port), stack: args.stack, namespace: args.namespace },
    },
    opts,
  );
}
