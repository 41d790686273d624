// What docs/ambient.md and the config schema say about ambient mode, held to what the code does: the
// "Still to come" list names only scenarios ambient does not run yet, the nightly run's scenarios
// are .ci/e2e-ambient's, and mesh.gatewayApi's description says an ambient platform always installs
// the CRDs (components/lab.ts labsMayUseGatewayApi).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ambientRefusals } from "../../catalog/scenarios/modes";
import { scenarioNames } from "../../catalog/scenarios/names";
import { labsMayUseGatewayApi } from "../../components/lab";

const root = path.join(__dirname, "../..");
const page = fs.readFileSync(path.join(root, "docs/ambient.md"), "utf8");
const section = (heading: string) => page.slice(page.indexOf(`## ${heading}`)).split(/\n## /)[0];
const named = (text: string) => scenarioNames.filter((s) => new RegExp(`(?<![\\w-])${s}(?![\\w-])`).test(text));

describe("docs/ambient.md, what is still to come", () => {
  const [done, left] = section("Still to come").split("Still left:");

  it("lists as left only scenarios ambient runs in no form, and every one of them", () => {
    expect(named(left).sort()).toEqual(Object.keys(ambientRefusals).sort());
  });

  it("names the nightly run's scenarios as .ci/e2e-ambient sets them", () => {
    const script = fs.readFileSync(path.join(root, ".ci/e2e-ambient"), "utf8");
    const [l4, l7] = ["l4", "l7"].map((v) => script.match(new RegExp(`^${v}=([a-z0-9-]+)$`, "m"))![1]);
    expect(done).toContain(`verifies ${l4} (L4, ztunnel) and ${l7} (L7, a waypoint)`);
    expect(section("What the analyzer checks in ambient")).toContain(`deploys and verifies ${l4} and ${l7}`);
  });
});

describe("mesh.gatewayApi", () => {
  it("says what an ambient platform does whatever its value: installs the CRDs", () => {
    // Every gatewayApi property of the generated schema (the mesh's, under its definitions).
    const found: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      const gatewayApi = (node as { gatewayApi?: { type?: string; description?: string } }).gatewayApi;
      if (gatewayApi?.type === "boolean" && gatewayApi.description) found.push(gatewayApi.description);
      Object.values(node).forEach(walk);
    };
    walk(JSON.parse(fs.readFileSync(path.join(root, "schema/stack-config.schema.json"), "utf8")));
    expect(found).not.toEqual([]);
    for (const description of found) expect(description).toContain("A platform in ambient mode (mesh.mode: ambient) always installs them, whatever this says.");
    expect(labsMayUseGatewayApi({ mesh: { mode: "ambient", gatewayApi: false } } as never)).toBe(true);
    expect(labsMayUseGatewayApi({ mesh: { mode: "sidecar", gatewayApi: false } } as never)).toBe(false);
  });
});
