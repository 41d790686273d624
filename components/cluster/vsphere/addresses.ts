// Source vsphere: which node's VM holds each static address, recorded per address.
import { ConfigError, type ConfigIssue } from "../../config";
import type { MachineClusterConfig } from "../../config/cluster-source";
import { pinned } from "../pin";

/**
 * A VM is the resource named after its node (machines.ts), so a node renamed in cluster.nodes is
 * another resource to the engine: a create of the new VM and, after every create of the update, a
 * delete of the old one (pulumi/pulumi pkg/resource/deploy: an old resource the program no longer
 * registers is deleted only once the program has sent its last registration, deployment_executor.go
 * performPostSteps calling step_generator.go GenerateDeletes; deleteBeforeReplace orders only the
 * replacement of one URN, step_generator.go). vSphere would clone
 * the new VM onto the static address the old one still holds. So each address records the name of
 * the node first deployed on it (a Stash, as pin.ts does; dropped when no node uses the address,
 * so a two-run rename starts a new record), and a node whose name differs from the record stops
 * the stack before anything changes, naming the key and the way.
 */
export async function pinnedVmAddresses(config: MachineClusterConfig): Promise<void> {
  const recorded = await Promise.all(config.nodes.map((node) => pinned<{ name: string }>(`vm-at-${node.ip}`, { name: node.name })));
  const issues: ConfigIssue[] = config.nodes.flatMap((node, i) => {
    const was = recorded[i].name;
    if (was === node.name) return [];
    const way =
      node.role === "control-plane"
        ? "a new control-plane name is a new cluster: set it back, or `pulumi destroy`, then `pulumi up`"
        : `rename in two runs: take ${was} out of cluster.nodes and \`pulumi up\` (its VM is deleted, its Node drained), then add ${node.name} and \`pulumi up\``;
    return [
      {
        key: `istio-lab:cluster.nodes[${i}].name`,
        message: `is ${node.name}, but this stack's VM at ${node.ip} is ${was}: a renamed node is a new VM, which vSphere would clone onto ${node.ip} while ${was} still holds it; ${way} (docs/machines.md)`,
      },
    ];
  });
  if (issues.length > 0) throw new ConfigError(issues);
}
