// Ambient mode's Helm values against Istio 1.31's charts and profiles: each value the program gives
// istiod, istio-cni and ztunnel is one the chart reads, each profile and platform it names is a file
// the chart has, and the values the charts end with (their templates/zzz_profile.yaml merge) put the
// CNI plugin where each cluster source keeps its CNI.
import * as fs from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ambientIstiodValues, ambientImages, ambientProfile, cniPlatform, istioCniValues, labRequests, ztunnelValues } from "../../components/mesh/ambient";
import { istiodValues } from "../../components/mesh/istio";
import { clusterSources } from "../../components/config/schema";
import { upstreamFile, upstreamFolder } from "../upstream-files";

const yamlAt = (file: string) => parse(fs.readFileSync(upstreamFile(`istio-1.31/${file}`), "utf8")) as Record<string, any>;
type Values = Record<string, any>;

const isObject = (v: unknown): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);
/** Sprig's mustMergeOverwrite as the charts use it: maps merge key by key, anything else is replaced. */
function mergeOverwrite(into: Values, ...from: (Values | undefined)[]): Values {
  for (const source of from) {
    for (const [k, v] of Object.entries(source ?? {})) into[k] = isObject(v) && isObject(into[k]) ? mergeOverwrite(into[k], v) : structuredClone(v);
  }
  return into;
}

/**
 * The values a chart's templates see, as its templates/zzz_profile.yaml makes them (istio/istio
 * manifests/zzz_profile.yaml, copied into each chart by Makefile.core.mk `gen-charts`): the
 * defaults, the profile's file, the platform's file, then the values given; ztunnel also flattens
 * `global` into the top (FLATTEN_GLOBALS_REPLACEMENT true for ztunnel and gateway); istio-cni then
 * copies `.cni` to the top (its templates/zzy_descope_legacy.yaml).
 */
function chartValues(chart: "istio-cni" | "ztunnel", given: Values): Values {
  const defaults = structuredClone(yamlAt(`charts/${chart}/values.yaml`)._internal_defaults_do_not_set) as Values;
  const files = upstreamFolder(`istio-1.31/charts/${chart}/files`);
  const profile: Values = {};
  const file = (name: string) => {
    expect(files, `${chart} has files/${name}`).toContain(name);
    return yamlAt(`charts/${chart}/files/${name}`);
  };
  const profileName = given.profile ?? given.global?.profile;
  if (profileName) mergeOverwrite(profile, file(`profile-${profileName}.yaml`));
  const platform = given.platform ?? given.global?.platform;
  if (platform) mergeOverwrite(profile, file(`profile-platform-${platform}.yaml`));
  mergeOverwrite(defaults, profile);
  if (chart === "ztunnel") mergeOverwrite(defaults, profile.global, given.global);
  const values = mergeOverwrite(defaults, structuredClone(given));
  return chart === "istio-cni" ? mergeOverwrite(values, values.cni) : values;
}

/** Every leaf path of the values given, but the ones zzz_profile itself reads (profile, platform). */
function leafPaths(values: Values, prefix = ""): string[] {
  return Object.entries(values).flatMap(([k, v]) => (isObject(v) && Object.keys(v).length > 0 && k !== "requests" ? leafPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
const read = (values: Values, dotted: string) => dotted.split(".").reduce<any>((v, k) => v?.[k], values);

describe("ambient's Helm values against Istio 1.31's charts", () => {
  it("names the ambient profile, which each chart ships as a copy of helm-profiles/ambient.yaml", () => {
    expect(ambientProfile).toBe("ambient");
    const source = yamlAt("helm-profiles/ambient.yaml");
    for (const chart of ["istio-cni", "ztunnel"]) expect(yamlAt(`charts/${chart}/files/profile-ambient.yaml`)).toEqual(source);
    expect(source.pilot.env.PILOT_ENABLE_AMBIENT).toBe("true");
    expect(ambientIstiodValues(undefined).profile).toBe("ambient");
  });

  it("installs the charts by their names (cni and ztunnel)", () => {
    expect(yamlAt("charts/istio-cni/Chart.yaml").name).toBe("cni");
    expect(yamlAt("charts/ztunnel/Chart.yaml").name).toBe("ztunnel");
  });

  it("gives istio-cni and ztunnel only values their charts read", () => {
    for (const source of clusterSources) {
      const cniDefaults = yamlAt("charts/istio-cni/values.yaml")._internal_defaults_do_not_set;
      for (const p of leafPaths(istioCniValues("m.example/lab", source)).filter((p) => p !== "profile" && p !== "global.platform")) {
        expect(read(cniDefaults, p), `istio-cni ${p}`).toBeDefined();
      }
    }
    const ztunnelDefaults = yamlAt("charts/ztunnel/values.yaml")._internal_defaults_do_not_set;
    for (const p of leafPaths(ztunnelValues("m.example/lab"))) expect(read(ztunnelDefaults, p), `ztunnel ${p}`).toBeDefined();
  });

  it("enables ambient redirection in the CNI agent, with the CNI paths of each cluster source's platform profile or the chart's defaults", () => {
    const defaults = yamlAt("charts/istio-cni/values.yaml")._internal_defaults_do_not_set;
    // Flannel, as kubeadm clusters run it, mounts the same two paths (kube-flannel.yml's cni and cni-plugin volumes);
    // kind's node image keeps its plugins in /opt/cni/bin and kindnetd writes /etc/cni/net.d/10-kindnet.conflist.
    const flannelPaths = (fs.readFileSync(upstreamFile("flannel-v0.28.9/kube-flannel.yml"), "utf8").match(/path: \/(etc|opt)\/cni\/\S+/g) ?? []).map((p) => p.slice("path: ".length));
    expect(flannelPaths.sort()).toEqual([defaults.cniConfDir, defaults.cniBinDir].sort());
    for (const source of clusterSources) {
      const values = chartValues("istio-cni", istioCniValues(undefined, source));
      expect(values.ambient.enabled, source).toBe(true);
      const platform = cniPlatform(source);
      const expected = platform ? yamlAt(`helm-profiles/platform-${platform}.yaml`).cni : { cniConfDir: defaults.cniConfDir, cniBinDir: defaults.cniBinDir };
      expect({ cniConfDir: values.cniConfDir, cniBinDir: values.cniBinDir }, source).toEqual(expected);
    }
    // k3d's own profile, not k3s's: k3d's node image keeps the plugins in /bin (istio.io platform-prerequisites, "k3d").
    expect(yamlAt("helm-profiles/platform-k3d.yaml").cni.cniBinDir).not.toEqual(yamlAt("helm-profiles/platform-k3s.yaml").cni.cniBinDir);
    expect(chartValues("istio-cni", istioCniValues(undefined, "k3d")).cniBinDir).toBe(yamlAt("charts/istio-cni/files/profile-platform-k3d.yaml").cni.cniBinDir);
  });

  it("keeps demo's lab-sized requests for istiod, the CNI agent and ztunnel (helm-profiles/demo.yaml), which the charts end with", () => {
    const demo = yamlAt("helm-profiles/demo.yaml");
    expect(labRequests).toEqual({ pilot: demo.pilot.resources, cni: demo.cni.resources, ztunnel: demo.ztunnel.resources });
    expect(chartValues("istio-cni", istioCniValues(undefined, "kind")).resources).toEqual(demo.cni.resources);
    expect(chartValues("ztunnel", ztunnelValues(undefined)).resources).toEqual(demo.ztunnel.resources);
    expect((ambientIstiodValues(undefined).pilot as Values).resources).toEqual(demo.pilot.resources);
    // Nothing else of istiod's sidecar-mode values changes but the profile.
    const { profile, pilot, ...rest } = ambientIstiodValues("m.example/lab");
    const { profile: demoProfile, pilot: sidecarPilot, ...sidecarRest } = istiodValues("m.example/lab");
    expect([demoProfile, profile]).toEqual(["demo", "ambient"]);
    expect(rest).toEqual(sidecarRest);
    expect(pilot).toEqual({ ...(sidecarPilot as object), resources: demo.pilot.resources });
  });

  it("lists the images the charts pull: the profile's variant for istiod, the proxies and the CNI agent, none for ztunnel", () => {
    const variant = yamlAt("helm-profiles/ambient.yaml").global.variant;
    const cni = chartValues("istio-cni", istioCniValues("h", "kind"));
    const ztunnel = chartValues("ztunnel", ztunnelValues("h"));
    // istio-cni templates/daemonset.yaml: hub/image:tag-variant; ztunnel templates/daemonset.yaml: hub/image:tag[-variant].
    expect(ambientImages("h", "1.31.1")).toEqual([
      `h/pilot:1.31.1-${variant}`,
      `h/proxyv2:1.31.1-${variant}`,
      `${cni.global.hub}/${cni.image}:1.31.1-${cni.global.variant}`,
      `${ztunnel.hub}/${ztunnel.image}:1.31.1${ztunnel.variant ? `-${ztunnel.variant}` : ""}`,
    ]);
  });
});
