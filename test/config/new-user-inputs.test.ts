// Stack files as new users write them, for the newest features' inputs (issue #29): each class of
// mistake refused naming the key and what to write, and the good form beside it accepted.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { seedServices } from "../../catalog/apps/seed";
import { ConfigError } from "../../components/config";
import { renderConfig, renderStackFile } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { ciphertext, renderStack, resource } from "../harness";
import { expectNoProblemAt, expectProblem, problems, Secret, type Config } from "./build";

const [front, back, mongodb] = seedServices;
/** Scenario custom on a kubeconfig cluster, with these services and routes. */
const custom = (services: unknown[], routes: unknown[] = [{ service: "back", weights: { v1: 90, v2: 10 } }], more: Config = {}) =>
  problems("kubeconfig", { scenario: "custom", scenarioOptions: { routes, ...more }, apps: { custom: services } });
const local = (cluster: Config, more: Config = {}) => problems("kubeconfig", { cluster: { source: "kind", kubeconfig: undefined, ...cluster }, ...more });

describe("secrets inside apps stay secret end to end", () => {
  const withPassword = (password: unknown) => [front, { ...back, versions: [{ ...back.versions[0], env: { ...back.versions[0].env, DB_PASSWORD: password } }] }, mongodb];

  it("a value stored with --path --secret puts the version's env in a Kubernetes Secret, read by secretKeyRef, shown as [secret]", async () => {
    const rendered = await renderStack({
      "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" },
      "istio-lab:scenario": "custom",
      "istio-lab:scenarioOptions": { routes: [{ service: "back", weights: { v1: 100 } }] },
      "istio-lab:apps": { custom: withPassword(ciphertext) },
    });
    const deployment = resource(rendered, "kubernetes:apps/v1:Deployment", "Deployment/bookinfo/back-v1");
    const container = (deployment.inputs as any).spec.template.spec.containers[0];
    // The CLI marks the whole key secret (object.go Secure), so every env value of it moves.
    expect(container.env).toEqual([
      { name: "SPRING_DATA_MONGODB_URI", valueFrom: { secretKeyRef: { name: "back-v1-env", key: "SPRING_DATA_MONGODB_URI" } } },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "back-v1-env", key: "DB_PASSWORD" } } },
    ]);
    const secret = resource(rendered, "kubernetes:core/v1:Secret", "Secret/bookinfo/back-v1-env");
    expect(secret.inputs).toMatchObject({ kind: "Secret", metadata: { name: "back-v1-env", namespace: "bookinfo" }, stringData: "[secret]" });
    expect(deployment.dependsOn).toContain("Secret/bookinfo/back-v1-env");
    // pulumi-kubernetes replaces a Secret whose data changed (diff.go forceNewProperties) under the same
    // name: its new uid in the pod template is what rolls the pods onto the new values.
    expect((deployment.inputs as any).spec.template.metadata.annotations).toEqual({ "istio-lab.dev/env-secret-uid": "uid-of-Secret/bookinfo/back-v1-env" });
    // Nowhere in the render, not even the placeholder the render decrypts the ciphertext to.
    expect(JSON.stringify(rendered)).not.toContain("placeholder for the secret");
    // A version without env gets no Secret.
    expect(rendered.resources.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.name)).toEqual(["Secret/bookinfo/back-v1-env"]);
  });

  it("without a secret, env values stay in the Deployment as written", async () => {
    const rendered = await renderStack({
      "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" },
      "istio-lab:scenario": "custom",
      "istio-lab:scenarioOptions": { routes: [{ service: "back", weights: { v1: 100 } }] },
      "istio-lab:apps": { custom: seedServices },
    });
    const container = (resource(rendered, "kubernetes:apps/v1:Deployment", "Deployment/bookinfo/back-v1").inputs as any).spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: "SPRING_DATA_MONGODB_URI", value: "mongodb://mongodb:27017/seed" }]);
    expect(rendered.resources.filter((r) => r.type === "kubernetes:core/v1:Secret")).toEqual([]);
  });

  it("refuses a credential written in plain text, naming its key and the --path --secret command, without repeating it", () => {
    const list = custom(withPassword("hunter2-s3cret"));
    const key = "istio-lab:apps.custom[1].versions[0].env.DB_PASSWORD";
    expectProblem(list, key, "names a credential (DB_PASSWORD)", `pulumi config set --path --secret '${key}' <value>`);
    expect(JSON.stringify(list)).not.toContain("hunter2-s3cret");
    for (const name of ["GITHUB_TOKEN", "CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY", "API_KEY"]) {
      const services = [{ ...back, versions: [{ ...back.versions[0], env: { [name]: "x1" } }] }];
      expectProblem(custom(services), `istio-lab:apps.custom[0].versions[0].env.${name}`, "names a credential");
    }
  });

  it("refuses URLs that carry a password or a token, wherever they are written", () => {
    const uri = "mongodb://seed:hunter2@mongodb:27017/seed";
    const services = [{ ...back, versions: [{ ...back.versions[0], env: { SPRING_DATA_MONGODB_URI: uri } }] }];
    expectProblem(custom(services), "istio-lab:apps.custom[0].versions[0].env.SPRING_DATA_MONGODB_URI", "a URL with a password in it", "--path --secret");
    expectProblem(
      problems("kubeconfig", { mesh: { chartRepository: "https://ci:glpat-abc123@charts.example.com/istio" } }),
      "istio-lab:mesh.chartRepository",
      "a URL with a password in it",
      "pulumi config set --path --secret 'istio-lab:mesh.chartRepository' <value>",
    );
    expectProblem(problems("kubeconfig", { mesh: { gatewayApiCrds: "https://mirror.example.com/standard-install.yaml?token=abc" } }), "istio-lab:mesh.gatewayApiCrds", "a token in its query");
  });

  it("keeps a chart repository URL stored as a secret one in every Helm release, and the render", async () => {
    const config = stackConfig("test", { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" } });
    // What the CLI hands the program for `pulumi config set --path --secret istio-lab:mesh.chartRepository ...`: the key, decrypted, marked secret.
    const values = { ...config.values, "istio-lab:mesh": JSON.stringify({ chartRepository: "https://ci:glpat-abc123@charts.example.com/istio" }) };
    const rendered = await renderConfig({ ...config, values, secretKeys: new Set([...config.secretKeys, "istio-lab:mesh"]) });
    const releases = rendered.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    expect(releases.length).toBeGreaterThan(3);
    // The SDK seals the whole object that holds a secret: the repository options print as one secret.
    for (const release of releases) expect((release.inputs as any).repositoryOpts).toBe("[secret]");
    expect(JSON.stringify(rendered)).not.toContain("glpat-abc123");
  });

  it("refuses a secret in a key that cannot keep one, which would reach the cluster and the outputs in plain text", () => {
    // `pulumi config set --path --secret scenarioOptions.routes[0].match.headers.authorization.exact ...` marks the whole key.
    const routes = [{ service: "back", weights: { v1: 100 } }];
    for (const [name, value] of [
      ["scenarioOptions", { routes }],
      ["verify", { gate: true }],
      ["cluster", { source: "kubeconfig", kubeconfig: "~/.kube/config" }],
    ] as const) {
      const list = problems("kubeconfig", { scenario: "custom", scenarioOptions: { routes }, apps: { custom: seedServices }, [name]: new Secret(JSON.stringify(value)) });
      expectProblem(list, `istio-lab:${name}`, "cannot keep", "in plain text", "without --secret");
    }
    expectNoProblemAt(problems("kubeconfig", { mesh: new Secret(JSON.stringify({ chartRepository: "https://charts.example.com/istio" })) }), "istio-lab:mesh");
  });

    it("refuses a credential by its form wherever it stands, and where the key cannot keep a secret says to leave it out", () => {
    const env = (name: string, value: string) => custom([front, { ...back, versions: [{ ...back.versions[0], env: { [name]: value } }] }, mongodb], [{ service: "back", weights: { v1: 100 } }]);
    expectProblem(env("DB_PASS", "hunter2"), "istio-lab:apps.custom[1].versions[0].env.DB_PASS", "names a credential (DB_PASS)");
    expectProblem(env("UPSTREAM", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "istio-lab:apps.custom[1].versions[0].env.UPSTREAM", "a token (by its form", "--path --secret");
    expectProblem(env("AWS", "AKIAIOSFODNN7EXAMPLE"), "istio-lab:apps.custom[1].versions[0].env.AWS", "a token (by its form");
    expectProblem(env("UPSTREAM_URL", "https://ghp_abcdefghijklmnopqrstuvwx1234@github.com/acme"), "istio-lab:apps.custom[1].versions[0].env.UPSTREAM_URL", "a token as its user");
    // A route matching on a bearer token: scenarioOptions cannot keep a secret at all.
    const routes = [{ service: "back", match: { headers: { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYXNvbiJ9.c2lnbmF0dXJl" } }, weights: { v1: 100 } }];
    const list = problems("kubeconfig", { scenario: "custom", scenarioOptions: { routes }, apps: { custom: seedServices } });
    const flagged = list.filter((i) => i.key.startsWith("istio-lab:scenarioOptions.routes[0].match"));
    expect(flagged.length).toBe(1);
    expect(flagged[0].message).toMatch(/a token \(by its form.*cannot keep a secret.*leave the credential out/);
  });

  it("accepts what only looks close: the seed's URI, a password file's path, a token's lifetime, an empty value", () => {
    const env = {
      SPRING_DATA_MONGODB_URI: "mongodb://mongodb:27017/seed",
      DB_PASSWORD_FILE: "/run/secrets/db",
      TOKEN_TTL: "3600",
      KEYCLOAK_URL: "https://sso.example.com",
      API_KEY: "",
      // A user name is no credential; neither is a key that names no secret.
      // A path names the file that holds the credential.
      GOOGLE_APPLICATION_CREDENTIALS: "/var/run/secrets/gcp/key.json",
      DATABASE_URL: "postgres://app@db:5432/app",
      REPLICA_URL: "postgres://replica1@db-1:5432/app",
      REPO: "git+ssh://git@github.com/acme/back.git",
      SORT_KEY: "createdAt",
      CACHE_KEY: "v2",
      PUBLIC_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk4RzgdI6FEPK7Ke0dWudDAE1oChZ9jZNbdEPXx7VIJ",
    };
    expect(custom([front, { ...back, versions: [{ ...back.versions[0], env }] }, mongodb], [{ service: "back", weights: { v1: 100 } }])).toEqual([]);
    expect(problems("kubeconfig", { mesh: { chartRepository: "https://charts.example.com/istio" } })).toEqual([]);
  });
});

describe("image references: one rule, wherever an image is named", () => {
  it("takes a node image from a registry with a port, as apps take one", () => {
    expect(local({ nodeImage: "registry:5000/kindest/node:v1.36.1" })).toEqual([]);
    expect(local({ source: "k3d", nodeImage: "registry.lab:5000/rancher/k3s:v1.35.5-k3s1" })).toEqual([]);
    const services = [{ ...back, versions: [{ ...back.versions[0], image: "registry:5000/kindest/node:v1.36.1" }] }];
    expectNoProblemAt(custom(services), "istio-lab:apps.custom[0].versions[0].image");
  });

  it("refuses what is no reference the same way under both keys", () => {
    expectProblem(local({ nodeImage: "Kindest/Node:v1.36.1" }), "istio-lab:cluster.nodeImage", "must be an image reference", "[registry[:port]/]path[:tag]");
    expectProblem(custom([{ ...back, versions: [{ name: "v1", image: "registry:5000//back" }] }]), "istio-lab:apps.custom[0].versions[0].image", "must be an image reference", "[registry[:port]/]path[:tag]");
  });

  it("refuses the other tool's node image", () => {
    expectProblem(local({ source: "k3d", nodeImage: "kindest/node:v1.35.0" }), "istio-lab:cluster.nodeImage", "is a kind node image (kindest/node); source k3d runs rancher/k3s images");
    expectProblem(local({ nodeImage: "docker.io/rancher/k3s:v1.35.5-k3s1" }), "istio-lab:cluster.nodeImage", "is a k3d node image (rancher/k3s); source kind runs kindest/node images");
  });

  it("refuses a node image whose Kubernetes the Istio release does not support, or that names no version", () => {
    expectProblem(local({ nodeImage: "kindest/node:v1.37.0" }), "istio-lab:cluster.nodeImage", "runs Kubernetes 1.37.0, outside what Istio 1.31.1", "1.32 to 1.36");
    expectProblem(local({ nodeImage: "kindest/node:v1.31.4" }), "istio-lab:cluster.nodeImage", "runs Kubernetes 1.31.4");
    expectProblem(local({ source: "k3d", nodeImage: "rancher/k3s:v1.37.1-k3s1" }), "istio-lab:cluster.nodeImage", "runs Kubernetes 1.37.1");
    // The pinned image under an older Istio: said of the key left unset.
    expectProblem(local({}, { mesh: { istioVersion: "1.29.2" } }), "istio-lab:cluster.nodeImage", "unset, so the pinned kindest/node:v1.36.1", "1.31 to 1.35");
    expectProblem(local({ nodeImage: "kindest/node" }), "istio-lab:cluster.nodeImage", "names no Kubernetes version in its tag");
    // An image of your own build names its version as it likes: nothing to read, nothing refused.
    expect(local({ nodeImage: "registry:5000/lab/node-image:latest" })).toEqual([]);
    expect(local({ nodeImage: "kindest/node:v1.32.0" })).toEqual([]);
  });
});

describe("ports and names the lab itself uses", () => {
  it("refuses a port of Istio's sidecar for your own service, saying what it is", () => {
    expectProblem(custom([front, { ...back, port: 15001 }, mongodb]), "istio-lab:apps.custom[1].port", "15001 is the port of Istio's sidecar in every pod (outbound traffic capture)");
    expectProblem(custom([front, back, { ...mongodb, port: 15090 }]), "istio-lab:apps.custom[2].port", "Envoy Prometheus");
    expect(custom([front, { ...back, port: 15010 }, mongodb])).toEqual([]);
  });

  it("refuses the names of the clients the lab deploys, and of its gateway's VirtualService", () => {
    expectProblem(custom([front, back, { ...mongodb, name: "curl" }]), "istio-lab:apps.custom[2].name", "is the name of a client the lab deploys itself (curl, fortio)", "registered twice");
    expectProblem(custom([front, back, { ...mongodb, name: "fortio" }]), "istio-lab:apps.custom[2].name", "client the lab deploys");
    expectProblem(custom([front, back, { ...mongodb, name: "custom-ingress" }]), "istio-lab:apps.custom[2].name", "the VirtualService the lab writes for the ingress gateway");
  });

  it("refuses two services whose versions make one Deployment name", () => {
    const a = { name: "pay", port: 8080, versions: [{ name: "api-v1", image: "registry.example.com/pay:1" }] };
    const b = { name: "pay-api", port: 8081, versions: [{ name: "v1", image: "registry.example.com/pay-api:1" }] };
    expectProblem(custom([a, b], [{ service: "pay" }]), "istio-lab:apps.custom[1].versions[0].name", "makes the Deployment pay-api-v1, which service pay makes too");
  });

  it("takes a lab's TCP port by the one port rule", () => {
    const lab = problems("kubeconfig", { cluster: undefined, platform: "local", scenario: "tcp-shift-all-v1", apps: { tcpPort: 70000 } });
    expectProblem(lab, "istio-lab:apps.tcpPort", "must be a port number from 1 to 65535");
  });
});

describe("every reference resolved or refused", () => {
  it("refuses a policy for a service that is not declared", () => {
    expectProblem(custom(seedServices, undefined, { policies: { payments: { connectionPool: { maxConnections: 10 } } } }), "istio-lab:scenarioOptions.policies.payments", "names no service of istio-lab:apps.custom (declared: front, back, mongodb)");
    expect(custom(seedServices, undefined, { policies: { back: { connectionPool: { maxConnections: 10 } } } })).toEqual([]);
  });

  it("refuses HTTP-only rules on a TCP service, field by field", () => {
    const list = custom(seedServices, [{ service: "mongodb", match: { headers: { "end-user": "jason" } }, fault: { abort: { httpStatus: 500, percent: 10 } } }]);
    expectProblem(list, "istio-lab:scenarioOptions.routes[0].match", "service mongodb is tcp: headers and path prefixes");
    expectProblem(list, "istio-lab:scenarioOptions.routes[0].fault", "service mongodb is tcp: injected delays and aborts");
    expectProblem(custom(seedServices, undefined, { policies: { mongodb: { consistentHash: { header: "x-user" } } } }), "istio-lab:scenarioOptions.policies.mongodb.consistentHash", "hash on sourceIp");
    expect(custom(seedServices, undefined, { policies: { mongodb: { connectionPool: { maxConnections: 10 }, consistentHash: { sourceIp: true } } } })).toEqual([]);
  });

  it("refuses two services exposed on one path, and a wildcard in an exposed path", () => {
    expectProblem(custom([front, { ...back, expose: { paths: ["/"] } }, mongodb]), "istio-lab:apps.custom[1].expose.paths[0]", "/ is also exposed by service front");
    expectProblem(custom([front, { ...back, expose: { paths: ["/api/*"] } }, mongodb]), "istio-lab:apps.custom[1].expose.paths[0]", "is matched as a prefix, as written", "such as /api for /api/*");
  });

  it("refuses a marker.body that does not compile or captures nothing", () => {
    expectProblem(custom([front, { ...back, marker: { body: "version: (v\\d+" } }, mongodb]), "istio-lab:apps.custom[1].marker.body", "is not a regular expression verify can compile");
    expectProblem(custom([front, { ...back, marker: { body: "version: v\\d+" } }, mongodb]), "istio-lab:apps.custom[1].marker.body", "has no capturing group");
    expect(custom([front, { ...back, marker: { body: "version: (v\\d+)" } }, mongodb])).toEqual([]);
  });

  it("refuses a mirror to the version that already serves every request", () => {
    expectProblem(custom(seedServices, [{ service: "back", weights: { v2: 100 }, mirror: { version: "v2" } }]), "istio-lab:scenarioOptions.routes[0].mirror.version", "is v2, which already serves every request of this route");
    expect(custom(seedServices, [{ service: "back", weights: { v2: 100 }, mirror: { version: "v3" } }])).toEqual([]);
    // Part of the traffic on the mirrored version is a choice, not a mistake.
    expect(custom(seedServices, [{ service: "back", weights: { v2: 90, v3: 10 }, mirror: { version: "v3" } }])).toEqual([]);
  });
});

describe("stack files side by side", () => {
  /** A folder of stack files, and the problems the named one's render reports. */
  const folderProblems = async (files: Record<string, Config | string>, stack: string): Promise<string[]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-29-"));
    try {
      for (const [name, config] of Object.entries(files)) fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), typeof config === "string" ? config : stringify({ config }));
      await renderStackFile(path.join(dir, `Pulumi.${stack}.yaml`));
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
      throw error;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const kind = (cluster: Config = {}) => ({ "istio-lab:cluster": { source: "kind", ...cluster } });

  it("refuses a second local stack on the same host port, or a kind cluster of the same name", async () => {
    expect(await folderProblems({ one: kind(), two: kind() }, "two")).toEqual([
      expect.stringMatching(/^istio-lab:cluster\.hostPort: 8000 \(unset: the default\) is also the host port of stack one's kind cluster \(Pulumi\.one\.yaml\).*hostPort 8001/),
    ]);
    expect(await folderProblems({ one: kind({ name: "lab" }), two: kind({ name: "lab", hostPort: 8001 }) }, "two")).toEqual([
      expect.stringMatching(/^istio-lab:cluster\.name: "lab" is also the kind cluster of stack one \(Pulumi\.one\.yaml\)/),
    ]);
  });

  it("accepts them apart: other ports and names, and kind and k3d sharing a name", async () => {
    expect(await folderProblems({ one: kind({ name: "lab" }), two: { "istio-lab:cluster": { source: "k3d", name: "lab", hostPort: 8001 } } }, "two")).toEqual([]);
    expect(await folderProblems({ one: kind(), two: kind({ hostPort: 8001 }), lab: { "istio-lab:platform": "one" } }, "two")).toEqual([]);
  });

  it("says an empty istio-lab:platform is empty, not that the cluster is missing", async () => {
    // As a user writes it: the key, and nothing after it.
    const errors = await folderProblems({ lab: "config:\n  istio-lab:platform:\n  istio-lab:scenario: bookinfo\n" }, "lab");
    expect(errors).toEqual([expect.stringMatching(/^istio-lab:platform: is empty: a lab stack names the platform stack.*`pulumi config set istio-lab:platform local`/)]);
    expect(await folderProblems({ lab: { "istio-lab:scenario": "bookinfo" } }, "lab")).toEqual([expect.stringMatching(/^istio-lab:cluster: is required/)]);
  });
});
