// node .ci/vsphere-schema-subset.mjs SCHEMA: the part of pulumi-vsphere's provider schema the tests
// read, as ../shared/upstream/README.md describes the subset: the top-level name, the
// VirtualMachine resource, the five get* functions istio-lab calls, and every type reachable from
// them through "$ref": "#/types/...". Printed with 4-space indentation, upstream key order kept.
import { readFileSync } from "node:fs";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
const resources = ["vsphere:index/virtualMachine:VirtualMachine"];
const functions = ["getDatacenter", "getComputeCluster", "getDatastore", "getNetwork", "getVirtualMachine"].map((f) => `vsphere:index/${f}:${f}`);

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
const pick = (from, keys) => Object.fromEntries(Object.keys(from).filter((k) => keys.includes(k)).map((k) => [k, from[k]]));
const kept = { resources: pick(schema.resources, resources), functions: pick(schema.functions, functions) };
follow(kept);
const parts = { name: schema.name, ...kept, types: pick(schema.types, [...types]) };
// In upstream's order of the top-level keys.
const subset = Object.fromEntries(Object.keys(schema).filter((k) => k in parts).map((k) => [k, parts[k]]));
process.stdout.write(`${JSON.stringify(subset, null, 4)}\n`);
