// Nodes, the lab network around the control plane, and the pod and service CIDRs.
import { describe, expect, it } from "vitest";
import { expectNoProblemAt, expectProblem, problems } from "./build";
import { decodeHostKey } from "../../components/config/rules";

const cp = (name: string, ip: string) => ({ name, ip, role: "control-plane" });
const worker = (name: string, ip: string) => ({ name, ip, role: "worker" });
const threeNodes = [cp("linux-node1", "192.168.56.11"), worker("linux-node2", "192.168.56.12"), worker("linux-node3", "192.168.56.13")];

describe("nodes", () => {
  it("needs at least one", () => {
    expectProblem(problems("hosts", { cluster: { nodes: [] } }), "istio-lab:cluster.nodes", "needs at least 1 entry");
  });

  it("accepts a single control-plane node", () => {
    expect(problems("hosts", { cluster: { nodes: [cp("solo", "192.168.56.20")] } })).toEqual([]);
  });

  it("defaults to the tutorial's three nodes", () => {
    expect(problems("hosts")).toEqual([]);
  });

  it("refuses a name used twice, naming the first use", () => {
    const nodes = [cp("linux-node1", "192.168.56.11"), worker("linux-node2", "192.168.56.12"), worker("linux-node2", "192.168.56.13")];
    expectProblem(problems("hosts", { cluster: { nodes } }), "istio-lab:cluster.nodes[2].name", '"linux-node2" is already used by nodes[1]');
  });

  it("refuses an address used twice, naming the first use", () => {
    const nodes = [cp("linux-node1", "192.168.56.11"), worker("linux-node2", "192.168.56.12"), worker("linux-node3", "192.168.56.11")];
    expectProblem(problems("hosts", { cluster: { nodes } }), "istio-lab:cluster.nodes[2].ip", '"192.168.56.11" is already used by nodes[0]');
  });

  it("accepts distinct names and addresses", () => {
    expect(problems("hosts", { cluster: { nodes: threeNodes } })).toEqual([]);
  });

  it.each([
    ["no", [worker("linux-node1", "192.168.56.11"), worker("linux-node2", "192.168.56.12")], 0],
    ["two", [cp("linux-node1", "192.168.56.11"), cp("linux-node2", "192.168.56.12")], 2],
  ])("refuses %s control-plane node", (_, nodes, found) => {
    expectProblem(problems("hosts", { cluster: { nodes } }), "istio-lab:cluster.nodes", "needs exactly one node with role control-plane", `(found ${found})`);
  });

  it("refuses an unknown role", () => {
    expectProblem(problems("hosts", { cluster: { nodes: [cp("a", "192.168.56.11"), { name: "b", ip: "192.168.56.12", role: "master" }] } }), "istio-lab:cluster.nodes[1].role", 'must be one of "control-plane", "worker"');
  });
});

describe("cluster.adopt on machines", () => {
  it("lets hosts use nodes of a kubeadm cluster istio-lab did not build", () => {
    expect(problems("hosts", { cluster: { adopt: true } })).toEqual([]);
  });

  it("means nothing for vsphere, whose VMs istio-lab always makes: refused naming it", () => {
    expectProblem(problems("vsphere", { cluster: { adopt: true } }), "istio-lab:cluster.adopt", "describes a kind or k3d cluster istio-lab creates; it does not apply to source vsphere");
  });
});

describe("SSH host keys", () => {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk4RzgdI6FEPK7Ke0dWudDAE1oChZ9jZNbdEPXx7VIJ root@linux-node2";
  const ecdsa =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBG7Cl0Yrnjh6Xa9H1zHYsF5RoUbAUAoukm43DWDF8j4my1IXBdqsrHA049YnUGX2Blf94xmuYJFbN9mt5dzY4Ik=";
  const at = "istio-lab:cluster.ssh.hostKeys.linux-node2";
  const withKey = (line: string) => problems("hosts", { cluster: { ssh: { hostKeys: { "linux-node2": line } } } });

  it("takes ed25519 and ECDSA keys, the types EL9's default crypto policy lets pulumi-command check", () => {
    expect(withKey(ecdsa)).toEqual([]);
  });

  it("decodes the key: one cut short in a copy is refused, naming the key", () => {
    const [type, data] = key.split(" ");
    expectProblem(withKey(`${type} ${data.slice(0, -4)}`), at, "is not a whole ssh-ed25519 key", "cut short");
    expectProblem(withKey(ecdsa.slice(0, -10)), at, "is not a whole ecdsa-sha2-nistp256 key");
    // The type the line names is the one inside the key.
    expectProblem(withKey(`ecdsa-sha2-nistp256 ${data}`), at, "names ecdsa-sha2-nistp256, but its base64 part holds a ssh-ed25519 key");
  });

  it("refuses an RSA key, explaining that EL9 refuses the ssh-rsa (SHA-1) signatures pulumi-command would ask for", () => {
    const rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC68s22GPKVJKcfbrQulsvd root@linux-node2";
    for (const line of [rsa, rsa.replace("ssh-rsa", "rsa-sha2-256")]) {
      expectProblem(withKey(line), at, "is an RSA key", "ssh-rsa (SHA-1) signatures", "rsa-sha2-256/512", "ssh-keyscan -t ed25519");
    }
  });

  it("takes a key per node by name", () => {
    expect(problems("hosts", { cluster: { ssh: { hostKeys: { "linux-node2": key } } } })).toEqual([]);
  });

  it("refuses a key for a name that is no node, listing the nodes", () => {
    expectProblem(problems("hosts", { cluster: { ssh: { hostKeys: { "linux-node9": key } } } }), "istio-lab:cluster.ssh.hostKeys.linux-node9", "names no node; cluster.nodes has linux-node1, linux-node2, linux-node3");
  });

  // What OpenSSH 9.2p1's ssh-keyscan printed for a local sshd whose ed25519 and ECDSA host keys
  // were made for this test (ssh-keyscan -t ed25519 127.0.0.1, -p 2222, -H; without -t), and that
  // key's .pub file. The comment line went to stderr there; from OpenSSH 9.8 it is on stdout.
  const scanned = {
    pub: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHi8B4Rn97MywuDYUbpSuC8nfU0rQjqDdlb+xZ/MEGmZ root@linux-node2",
    plain: "127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHi8B4Rn97MywuDYUbpSuC8nfU0rQjqDdlb+xZ/MEGmZ",
    port: "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHi8B4Rn97MywuDYUbpSuC8nfU0rQjqDdlb+xZ/MEGmZ",
    hashed: "|1|coV6PHto/wwuqgf0X7/yuq98zBE=|tZcJrPIYchwcCzfLRk/UtXqUrEI= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHi8B4Rn97MywuDYUbpSuC8nfU0rQjqDdlb+xZ/MEGmZ",
    comment: "# 127.0.0.1:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10",
    ecdsa: "127.0.0.1 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGN/+v7oQxhHJ7YoWPcH/B1PGBn7pBPIpUJzU4xt4HShKPp6AZE2iNeldgHtkmR2PljLGGlOeAgGEHp7wMXuICM=",
  };

  it("decodes the line ssh-keyscan prints (known_hosts form: the host first) to the key its .pub file holds", () => {
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHi8B4Rn97MywuDYUbpSuC8nfU0rQjqDdlb+xZ/MEGmZ";
    expect(decodeHostKey(scanned.pub)).toEqual({ key });
    for (const line of [scanned.plain, scanned.port, scanned.hashed, `${scanned.comment}\n${scanned.plain}\n`]) expect(decodeHostKey(line), line).toEqual({ key });
    expect(decodeHostKey(scanned.ecdsa)).toEqual({ key: scanned.ecdsa.replace("127.0.0.1 ", "") });
    // ssh-keyscan without -t: every key the host has, one per line; one must be chosen.
    expect(decodeHostKey(`${scanned.comment}\n${scanned.ecdsa}\n${scanned.plain}`)).toEqual({ problem: expect.stringContaining("holds 2 lines; pin one key") });
    // The host is dropped only before a key type: a cut line is still refused, an RSA key still named.
    expect(decodeHostKey(scanned.plain.slice(0, -6))).toEqual({ problem: expect.stringContaining("is not a whole ssh-ed25519 key") });
    expect(decodeHostKey("127.0.0.1 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC68s22GPKVJKcfbrQulsvd")).toEqual({ problem: expect.stringContaining("is an RSA key") });
  });

  it("takes ssh-keyscan's line as it prints it, the host first, in the stack's config", () => {
    for (const line of [scanned.plain, scanned.port, scanned.hashed]) expect(withKey(line), line).toEqual([]);
  });

  it("takes what docs/machines.md's ssh-keyscan command keeps (`grep -v '^#' | cut -d' ' -f2-`)", () => {
    const kept = [scanned.comment, scanned.plain].filter((l) => !l.startsWith("#")).map((l) => l.split(" ").slice(1).join(" "));
    expect(kept).toHaveLength(1);
    expect(withKey(kept[0])).toEqual([]);
  });

  it("refuses a line that is not a public host key", () => {
    expectProblem(problems("hosts", { cluster: { ssh: { hostKeys: { "linux-node2": "SHA256:7Yk0w fingerprint" } } } }), "istio-lab:cluster.ssh.hostKeys.linux-node2", "must be a public host key line");
  });
});

describe("the lab network (control-plane ip / prefixLength)", () => {
  it("refuses a node outside it", () => {
    const nodes = [cp("linux-node1", "192.168.56.11"), worker("linux-node2", "192.168.57.12")];
    expectProblem(problems("hosts", { cluster: { nodes } }), "istio-lab:cluster.nodes[1].ip", "192.168.57.12 is outside the lab network 192.168.56.0/24", "prefixLength 24");
  });

  it("takes the network from the control-plane node, wherever it is listed", () => {
    const nodes = [worker("linux-node2", "10.0.5.12"), cp("linux-node1", "10.0.5.11")];
    const list = problems("hosts", { cluster: { nodes } });
    expectProblem(list, "istio-lab:cluster.network.gateway", "192.168.56.1 is outside the lab network 10.0.5.0/24");
    expectNoProblemAt(list, "istio-lab:cluster.nodes[0].ip");
  });

  it("accepts the same nodes with a wider prefix", () => {
    const nodes = [cp("linux-node1", "192.168.56.11"), worker("linux-node2", "192.168.57.12")];
    expect(problems("hosts", { cluster: { nodes, network: { prefixLength: 16 } } })).toEqual([]);
  });

  it("refuses a gateway outside it", () => {
    expectProblem(problems("hosts", { cluster: { network: { gateway: "10.0.2.2" } } }), "istio-lab:cluster.network.gateway", "10.0.2.2 is outside the lab network 192.168.56.0/24");
  });

  it("refuses a gateway that is a node's address", () => {
    expectProblem(problems("hosts", { cluster: { network: { gateway: "192.168.56.12" } } }), "istio-lab:cluster.network.gateway", "192.168.56.12 is the address of nodes[1]");
  });

  it("accepts another gateway inside it", () => {
    expect(problems("hosts", { cluster: { network: { gateway: "192.168.56.254" } } })).toEqual([]);
  });

  it.each([
    ["192.168.56.0", "the network address of 192.168.56.0/24"],
    ["192.168.56.255", "the broadcast address of 192.168.56.0/24"],
  ])("refuses node ip %s (%s)", (ip, what) => {
    const nodes = [cp("linux-node1", "192.168.56.11"), worker("linux-node2", ip)];
    expectProblem(problems("hosts", { cluster: { nodes } }), "istio-lab:cluster.nodes[1].ip", `${ip} is ${what}`);
  });

  it("refuses the broadcast address as gateway", () => {
    expectProblem(problems("hosts", { cluster: { network: { gateway: "192.168.56.255" } } }), "istio-lab:cluster.network.gateway", "is the broadcast address of 192.168.56.0/24");
  });

  it("accepts the first and last host addresses", () => {
    const nodes = [cp("linux-node1", "192.168.56.1"), worker("linux-node2", "192.168.56.254")];
    expect(problems("hosts", { cluster: { nodes, network: { gateway: "192.168.56.2" } } })).toEqual([]);
  });
});

describe("pod CIDR, service CIDR and node network do not overlap", () => {
  it("refuses a pod CIDR over the service CIDR", () => {
    expectProblem(
      problems("hosts", { cluster: { podCidr: "10.0.0.0/14", serviceCidr: "10.1.0.0/16" } }),
      "istio-lab:cluster.podCidr",
      "podCidr 10.0.0.0/14 overlaps serviceCidr 10.1.0.0/16",
    );
  });

  it("refuses a pod CIDR over the node network", () => {
    expectProblem(problems("hosts", { cluster: { podCidr: "192.168.0.0/16" } }), "istio-lab:cluster.podCidr", "podCidr 192.168.0.0/16 overlaps the node network 192.168.56.0/24");
  });

  it("refuses a service CIDR over the node network", () => {
    expectProblem(problems("hosts", { cluster: { serviceCidr: "192.168.56.0/24" } }), "istio-lab:cluster.serviceCidr", "serviceCidr 192.168.56.0/24 overlaps the node network 192.168.56.0/24");
  });

  it("checks the defaults against a node network moved onto them", () => {
    const nodes = [cp("linux-node1", "10.2.0.11")];
    const list = problems("hosts", { cluster: { nodes, network: { gateway: "10.2.0.1" } } });
    expectProblem(list, "istio-lab:cluster.podCidr", "podCidr 10.2.0.0/16 overlaps the node network 10.2.0.0/24");
  });

  it("accepts adjacent ranges", () => {
    expect(problems("hosts", { cluster: { podCidr: "10.2.0.0/16", serviceCidr: "10.3.0.0/16", nodes: [cp("cp", "10.4.0.11")], network: { gateway: "10.4.0.1" } } })).toEqual([]);
  });
});

describe("pod and service CIDR sizes", () => {
  it.each([
    ["10.2.0.0/25", "/25 does not fit", "3 nodes need a prefix length between /8 and /22"],
    ["10.2.0.0/23", "/23 does not fit", "between /8 and /22"],
    ["172.0.0.0/7", "/7 does not fit", "between /8 and /22"],
  ])("refuses podCidr %s for three nodes", (podCidr, ...parts) => {
    expectProblem(problems("hosts", { cluster: { podCidr } }), "istio-lab:cluster.podCidr", "every node gets a /24 of the pod CIDR", ...parts);
  });

  it.each([
    ["10.2.0.0/22", threeNodes],
    ["10.2.0.0/24", [cp("solo", "192.168.56.20")]],
    ["10.0.0.0/8", threeNodes],
  ])("accepts podCidr %s", (podCidr, nodes) => {
    expect(problems("hosts", { cluster: { podCidr, serviceCidr: "172.20.0.0/16", nodes } })).toEqual([]);
  });

  it.each(["10.0.0.0/11", "10.1.0.0/29"])("refuses serviceCidr %s", (serviceCidr) => {
    expectProblem(problems("hosts", { cluster: { serviceCidr, podCidr: "172.16.0.0/16" } }), "istio-lab:cluster.serviceCidr", "does not fit: kube-apiserver takes a service range of /12 to /28");
  });

  it.each(["10.16.0.0/12", "10.1.0.0/28"])("accepts serviceCidr %s", (serviceCidr) => {
    expect(problems("hosts", { cluster: { serviceCidr, podCidr: "172.16.0.0/16" } })).toEqual([]);
  });
});
