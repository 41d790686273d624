// The addon pins are the ones Istio 1.31's own samples/addons manifests were rendered from: each
// chart's `helm.sh/chart` label and each container image, read from the upstream files.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { addonCharts, jaegerImage, prometheusConfigReloaderImage } from "../../catalog/versions";
import { upstreamFile } from "../upstream-files";

const manifest = (name: string) => fs.readFileSync(upstreamFile(`istio-1.31/samples/addons/${name}.yaml`), "utf8");
const charts = (text: string) => [...new Set([...text.matchAll(/helm\.sh\/chart: (\S+)/g)].map((m) => m[1]))];
const images = (text: string) => [...new Set([...text.matchAll(/image: "?([^"\s]+)"?/g)].map((m) => m[1]))].sort();

describe("addon pins equal Istio 1.31's samples/addons", () => {
  it.each(Object.entries(addonCharts))("%s: chart, version and image", (name, pin) => {
    const text = manifest(name);
    expect(charts(text)).toEqual([`${pin.chart}-${pin.version}`]);
    expect(images(text)).toContain(pin.image);
  });

  it("prometheus's config reloader and jaeger's image", () => {
    expect(images(manifest("prometheus"))).toEqual([addonCharts.prometheus.image, prometheusConfigReloaderImage].sort());
    expect(images(manifest("jaeger"))).toEqual([jaegerImage]);
  });
});
