// A cluster's identity is the digest of its CA: the same for any kubeconfig of one cluster.
import { describe, expect, it } from "vitest";
import { caDigest } from "../../components/cluster/identity";

const kubeconfig = (ca: string | undefined, user = "admin") =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\n${ca ? `    certificate-authority-data: ${ca}\n` : ""}users:\n- name: ${user}\n  user:\n    token: t-${user}\n`;

describe("caDigest", () => {
  it("names a cluster by its CA: another user's kubeconfig of it is the same cluster, another CA another cluster", () => {
    expect(caDigest(kubeconfig("Q0EtMQ=="))).toMatch(/^[0-9a-f]{12}$/);
    expect(caDigest(kubeconfig("Q0EtMQ==", "other"))).toBe(caDigest(kubeconfig("Q0EtMQ==")));
    expect(caDigest(kubeconfig("Q0EtMg=="))).not.toBe(caDigest(kubeconfig("Q0EtMQ==")));
  });

  it("has none for a kubeconfig without a CA, or for what is not YAML", () => {
    expect(caDigest(kubeconfig(undefined))).toBeUndefined();
    expect(caDigest("{ not: [yaml")).toBeUndefined();
  });
});
