// The Pulumi CLI's config checks (tools/lib/cli-config.ts), each with a stack it refuses and one
// it accepts, and every stack the project ships or tells a user to create.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  applyProjectConfig,
  ciphertextProblem,
  CliRefusal,
  formatMissingKeys,
  matchesType,
  parseStackValue,
  readProject,
  type Project,
} from "../../tools/lib/cli-config";
import { readStackFile, stackConfig, StackFileError } from "../../tools/lib/stack-file";
import { ciphertext } from "../harness";

const root = path.resolve(__dirname, "../..");
const projectDoc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
const project = readProject(projectDoc);

/** The CLI's verdict on a stack: its refusal, or "accepted". */
function verdict(p: Project, stack: string, config: Record<string, unknown>): string {
  const values = new Map(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${p.name}:${k}`, parseStackValue(v, "[decrypted]")]));
  try {
    applyProjectConfig(p, stack, values);
    return "accepted";
  } catch (error) {
    if (error instanceof CliRefusal) return error.message;
    throw error;
  }
}

describe("the CLI's config rules (pulumi/pulumi pkg/workspace/config.go)", () => {
  it("requires every key declared without default or value, listed as Pulumi.yaml writes them", () => {
    // Pulumi.yaml as it was before: every key declared, none with a default but scenario.
    const everyKeyDeclared = readProject({
      name: "istio-lab",
      config: Object.fromEntries(
        ["scenario", "scenarioOptions", "cluster", "sshPrivateKey", "kubeconfig", "mesh", "apps", "verify"].map((k) => [
          k,
          k === "scenario" ? { type: "string", default: "bookinfo" } : { type: k.endsWith("Key") || k === "kubeconfig" ? "string" : "object" },
        ]),
      ),
    });
    expect(verdict(everyKeyDeclared, "local", { cluster: { source: "kubeconfig" } })).toBe(
      "validating stack config: Stack 'local' is missing configuration values 'apps', 'kubeconfig', 'mesh', 'scenarioOptions', 'sshPrivateKey' and 'verify'",
    );
    const clusterRequired = readProject({ name: "istio-lab", config: { cluster: { type: "object" } } });
    expect(verdict(clusterRequired, "lab", {})).toBe("validating stack config: Stack 'lab' is missing configuration value 'cluster'");
    expect(verdict(clusterRequired, "lab", { "istio-lab:cluster": { source: "kubeconfig" } })).toBe("accepted");
    // A lab stack sets no cluster: the project declares none required, and the program asks for one.
    expect(verdict(project, "lab", { "istio-lab:platform": "local" })).toBe("accepted");
  });

  it("formats missing keys as the CLI does: sorted, quoted, 'and' before the last, no Oxford comma", () => {
    expect(formatMissingKeys(["b"])).toBe("'b'");
    expect(formatMissingKeys(["b", "a"])).toBe("'a' and 'b'");
    expect(formatMissingKeys(["c", "a", "b"])).toBe("'a', 'b' and 'c'");
  });

  it("fills what a stack leaves out from Pulumi.yaml's defaults, and keeps what it sets", () => {
    const config = stackConfig("lab", { cluster: { source: "kubeconfig" }, "istio-lab:scenario": "mirroring" });
    expect(config.values["istio-lab:scenario"]).toBe("mirroring");
    expect(config.values["istio-lab:mesh"]).toBe("{}");
    expect(config.values["istio-lab:verify"]).toBe("{}");
    expect(stackConfig("lab", { cluster: { source: "kubeconfig" } }).values["istio-lab:scenario"]).toBe("bookinfo");
  });

  it("refuses a plain value for a declared secret, and takes ciphertext", () => {
    const withSecret = readProject({ name: "p", config: { token: { type: "string", secret: true } } });
    expect(verdict(withSecret, "s", { token: "plain" })).toBe("validating stack config: Stack 's' with configuration key 'token' must be encrypted as it's secret");
    expect(verdict(withSecret, "s", { token: ciphertext })).toBe("accepted");
    // Without a type the CLI never checks the secret flag (validateStackConfigValues).
    expect(verdict(readProject({ name: "p", config: { token: { secret: true } } }), "s", { token: "plain" })).toBe("accepted");
  });

  it("refuses a value of another type than declared, as ValidateConfigValue judges it", () => {
    expect(verdict(project, "s", { cluster: "kubeconfig" })).toBe("validating stack config: Stack 's' with configuration key 'cluster' must be of type 'object'");
    expect(verdict(project, "s", { cluster: { source: "kubeconfig" }, mesh: ["kiali"] })).toBe(
      "validating stack config: Stack 's' with configuration key 'mesh' must be of type 'object'",
    );
    // A scalar is text to the CLI, so a number is a valid string.
    expect(verdict(project, "s", { cluster: { source: "kubeconfig" }, scenario: 5 })).toBe("accepted");
    expect(matchesType("integer", undefined, "42")).toBe(true);
    expect(matchesType("integer", undefined, "4.2")).toBe(false);
    expect(matchesType("boolean", undefined, "true")).toBe(true);
    expect(matchesType("boolean", undefined, "yes")).toBe(false);
    expect(matchesType("array", { type: "string" }, ["a", 1])).toBe(false);
    expect(matchesType("array", { type: "integer" }, [1, 2])).toBe(true);
  });

  it("stops at ciphertext that is not ciphertext, before any type is checked", () => {
    expect(verdict(project, "s", { cluster: { source: "kubeconfig" }, "vsphere:password": { secure: "replace-with-pulumi-config-set-secret" } })).toBe(
      "validating stack config: bad value",
    );
    expect(ciphertextProblem("v2:a:b")).toBe("unknown value version");
    expect(ciphertextProblem(ciphertext.secure)).toBeUndefined();
  });

  it("takes a stack key without namespace as the project's", () => {
    expect(verdict(project, "s", { cluster: { source: "kubeconfig" } })).toBe("accepted");
    expect(stackConfig("s", { cluster: { source: "kubeconfig" } }).values["istio-lab:cluster"]).toBe('{"source":"kubeconfig"}');
  });

  it("refuses a Pulumi.yaml the CLI cannot load", () => {
    const refusal = (config: Record<string, unknown>) => {
      try {
        readProject({ name: "p", config });
        return "loaded";
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(refusal({ a: { type: "string", default: "x", value: "y" } })).toBe("could not unmarshal 'Pulumi.yaml': project config 'a' cannot have both a 'default' and 'value' attribute");
    expect(refusal({ a: { type: "array" } })).toContain("declares an array but does not specify the underlying type");
    expect(refusal({ a: { type: "object", default: "x" } })).toContain("The default value specified for configuration key 'a' is not of the expected type 'object'");
    expect(refusal({ "aws:region": { type: "string" } })).toContain("is not namespaced by the project and should not define a type");
    expect(refusal({ a: { type: "object", default: {} } })).toBe("loaded");
  });
});

describe("Pulumi.yaml", () => {
  it("declares nothing required (a platform sets cluster, a lab platform), and needs the first CLI whose engine replaces what is deletedWith a replaced resource", () => {
    const required = Object.entries(project.config).filter(([, d]) => d.default === undefined && d.value === undefined);
    expect(required.map(([k]) => k)).toEqual([]);
    expect(Object.values(project.config).some((d) => d.type === "object")).toBe(true);
    expect(project.requiredPulumiVersion).toBe(">=3.260.0");
  });

  it("declares no secret: an optional secret cannot be declared without the CLI requiring or refusing it", () => {
    expect(Object.entries(project.config).filter(([, d]) => d.secret)).toEqual([]);
  });
});

describe("stacks the project ships or the docs create", () => {
  const stackFiles = fs.readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));

  it.each(stackFiles)("%s passes the CLI's config rules and carries no fake ciphertext", (file) => {
    expect(() => readStackFile(path.join(root, file))).not.toThrow();
    expect(fs.readFileSync(path.join(root, file), "utf8")).not.toMatch(/secure:\s*replace/);
  });

  it("docs/labs.md's classroom (a copy of the template, stack init student-N, config set scenario) passes them", () => {
    const template = (parse(fs.readFileSync(path.join(root, "Pulumi.lab-template.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
    const values = stackConfig("student-1", { ...template, "istio-lab:scenario": "mirroring" }).values;
    expect(values).toMatchObject({ "istio-lab:platform": "local", "istio-lab:scenario": "mirroring", "istio-lab:cluster": "{}" });
  });

  it("reports an unreadable stack file in one line naming the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-stack-"));
    const broken = path.join(dir, "Pulumi.broken.yaml");
    fs.writeFileSync(broken, "config:\n  istio-lab:cluster: [unclosed\n");
    expect(() => readStackFile(broken)).toThrow(StackFileError);
    expect(() => readStackFile(broken)).toThrow(/Pulumi\.broken\.yaml:\d+:\d+: not valid YAML/);
    expect(() => readStackFile(path.join(dir, "Pulumi.absent.yaml"))).toThrow(/Pulumi\.absent\.yaml: no such file/);
    expect(() => readStackFile(path.join(dir, "stack.yaml"))).toThrow(/a stack file is named Pulumi\.<stack>\.yaml/);
  });
});

describe("a stack file's shape", () => {
  it("refuses keys written beside config: instead of under it, naming them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-stack-"));
    const file = path.join(dir, "Pulumi.noroot.yaml");
    fs.writeFileSync(file, "istio-lab:cluster:\n  source: kubeconfig\nistio-lab:scenario: mirroring\n");
    expect(() => readStackFile(file)).toThrow("istio-lab:cluster, istio-lab:scenario must sit under `config:`; the Pulumi CLI reads no other key as config");
  });
});
