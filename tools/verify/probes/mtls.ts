// MtlsProbe: a plaintext request from a pod without a sidecar.
import type { MtlsProbe } from "../../../catalog/scenarios/probes";
import { parseStatusOnly, plaintextCommand } from "../commands";
import { judgeMtls } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";

export const mtlsTitle = (probe: MtlsProbe) => `mTLS: plaintext to ${probe.service}:${probe.port}${probe.path} from outside the mesh`;

export async function runMtls(ctx: ProbeContext, probe: MtlsProbe): Promise<Check[]> {
  const cluster = await ctx.cluster();
  // A new pod pulls its image and starts: give it more than one request's time.
  const timeoutMs = ctx.deadline.budget(Math.max(ctx.timeoutMs * 3, 60_000));
  const curlSeconds = Math.max(1, Math.min(10, Math.floor(ctx.timeoutMs / 1000)));
  const result = await cluster.runPlainPod({
    name: "istio-lab-verify-plaintext",
    command: plaintextCommand(`http://${probe.service}:${probe.port}${probe.path}`, curlSeconds),
    timeoutMs,
  });
  return [judgeMtls({ exitCode: result.exitCode, status: parseStatusOnly(result.stdout) }, probe.outsideMesh)];
}
