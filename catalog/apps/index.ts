// Every sample application istio-lab can deploy, and how a scenario asks for some of them.
import { details, productpage, ratings, reviews } from "./bookinfo";
import { curl, fortio, httpbin, tcpEcho } from "./clients";
import type { AppSpec } from "./app-spec";
import { helloworld } from "./helloworld";
import { myNginx } from "./nginx";

export const apps = { details, ratings, reviews, productpage, httpbin, curl, fortio, "tcp-echo": tcpEcho, "my-nginx": myNginx, helloworld } as const satisfies Record<string, AppSpec>;

export type AppName = keyof typeof apps;

/** An application a scenario needs; without `versions`, every version of it. */
export interface WorkloadNeed {
  app: AppName;
  versions?: readonly string[];
  /** Labels its pods carry in this scenario (the locality tasks' client: its `istio-locality`). */
  podLabels?: Record<string, string>;
}

/**
 * The applications the needs describe, each cut down to the versions asked for, in catalog order
 * so that the rendered objects do not depend on how a scenario lists them. Unversioned
 * Deployments (the clients) always come along with their app.
 */
export function selectApps(needs: readonly WorkloadNeed[]): AppSpec[] {
  const selected: AppSpec[] = [];
  for (const [name, app] of Object.entries(apps) as [AppName, AppSpec][]) {
    const asked = needs.filter((n) => n.app === name);
    if (asked.length === 0) continue;
    const all = asked.some((n) => !n.versions);
    const versions = new Set(asked.flatMap((n) => n.versions ?? []));
    const kept = app.versions.filter((v) => all || !v.version || versions.has(v.version));
    // One version alone takes upstream's name for it (AppSpec.soleDeployment).
    const sole = app.soleDeployment && kept.length === 1 ? [{ ...kept[0], deployment: app.soleDeployment }] : kept;
    const labels = Object.assign({}, ...asked.map((n) => n.podLabels ?? {})) as Record<string, string>;
    selected.push({ ...app, versions: Object.keys(labels).length > 0 ? sole.map((v) => ({ ...v, podLabels: { ...v.podLabels, ...labels } })) : sole });
  }
  return selected;
}
