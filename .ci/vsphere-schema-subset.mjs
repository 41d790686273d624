// The part of pulumi-vsphere's provider schema the tests read, as ../shared/upstream/README.md
// describes the subset: the top-level name, the VirtualMachine resource, the five get* functions
// istio-lab calls (in that order, as the README lists them), and every type reachable from them
// through "$ref": "#/types/..." (in upstream's order). Printed with 4-space indentation, upstream key
// order kept within each entry. tools/lib/upstream.mjs cuts the downloaded schema with the default
// export (.ci/upstream-files.tsv names this script); `node .ci/vsphere-schema-subset.mjs SCHEMA`
// prints the cut.
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

const resources = ["vsphere:index/virtualMachine:VirtualMachine"];
const functions = ["getDatacenter", "getComputeCluster", "getDatastore", "getNetwork", "getVirtualMachine"].map((f) => `vsphere:index/${f}:${f}`);

/** The subset's text, from the whole schema's bytes. */
export default function vsphereSchemaSubset(bytes) {
  const schema = JSON.parse(bytes.toString("utf8"));
  const types = new Set();
  const follow = (value) => {
    if (Array.isArray(value)) return value.forEach(follow);
    if (value === null || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string" && inner.startsWith("#/types/")) {
        const name = decodeURIComponent(inner.slice("#/types/".length));
        if (!types.has(name)) {
          types.add(name);
          follow(schema.types[name]);
        }
      } else follow(inner);
    }
  };
  /** The entries of `from` that `keys` names, in the order of `keys`. */
  const inOrderOf = (keys, from) => Object.fromEntries(keys.filter((k) => Object.hasOwn(from, k)).map((k) => [k, from[k]]));
  const kept = { resources: inOrderOf(resources, schema.resources), functions: inOrderOf(functions, schema.functions) };
  follow(kept);
  const parts = { name: schema.name, ...kept, types: inOrderOf(Object.keys(schema.types), Object.fromEntries([...types].map((t) => [t, schema.types[t]]))) };
  // In upstream's order of the top-level keys.
  const subset = Object.fromEntries(Object.keys(schema).filter((k) => k in parts).map((k) => [k, parts[k]]));
  return `${JSON.stringify(subset, null, 4)}\n`;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(vsphereSchemaSubset(readFileSync(process.argv[2])));
}
