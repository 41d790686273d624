// IPv4 arithmetic (net.ts) and the key paths and suggestions of messages (errors.ts).
import { describe, expect, it } from "vitest";
import { ConfigError, closestKey, keyPath, unknownKeyMessage } from "../../components/config/errors";
import { contains, ipToNumber, isIPv4, isNetworkAddress, overlaps, parseCidr, rangeOf } from "../../components/config/net";

describe("isIPv4", () => {
  it.each(["0.0.0.0", "192.168.56.11", "255.255.255.255", "10.0.0.1", "1.2.3.4"])("accepts %s", (ip) => {
    expect(isIPv4(ip)).toBe(true);
  });

  it.each(["256.0.0.1", "192.168.56", "192.168.56.11.1", "01.2.3.4", "1.2.3.04", "1.2.3.-1", " 1.2.3.4", "1.2.3.4\n", "a.b.c.d", "", "1..3.4", "::1"])(
    "refuses %j",
    (ip) => {
      expect(isIPv4(ip)).toBe(false);
    },
  );
});

describe("ipToNumber and rangeOf", () => {
  it("reads addresses as unsigned 32-bit numbers", () => {
    expect(ipToNumber("0.0.0.0")).toBe(0);
    expect(ipToNumber("0.0.1.0")).toBe(256);
    expect(ipToNumber("255.255.255.255")).toBe(2 ** 32 - 1);
    expect(ipToNumber("192.168.56.11")).toBe(0xc0a8380b);
  });

  it.each([
    ["192.168.56.11", 24, "192.168.56.0", "192.168.56.255"],
    ["192.168.56.11", 32, "192.168.56.11", "192.168.56.11"],
    ["192.168.56.11", 0, "0.0.0.0", "255.255.255.255"],
    ["10.2.255.255", 16, "10.2.0.0", "10.2.255.255"],
    ["255.255.255.255", 1, "128.0.0.0", "255.255.255.255"],
  ])("%s/%d spans %s to %s", (ip, prefix, first, last) => {
    expect(rangeOf(ip, prefix)).toEqual({ first: ipToNumber(first), last: ipToNumber(last) });
  });
});

describe("parseCidr", () => {
  it.each([
    ["10.2.0.0/16", { address: "10.2.0.0", prefixLength: 16 }],
    ["0.0.0.0/0", { address: "0.0.0.0", prefixLength: 0 }],
    ["192.168.56.11/32", { address: "192.168.56.11", prefixLength: 32 }],
  ])("reads %s", (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  it.each(["10.2.0.0", "10.2.0.0/", "10.2.0.0/33", "10.2.0.0/100", "10.2.0.0/-1", "10.2.0.0/1.5", "10.2.0.0/16/8", "10.2.0/16", "/16", ""])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each([
    ["10.2.0.0/16", true],
    ["10.2.0.1/16", false],
    ["10.2.1.0/16", false],
    ["10.2.1.0/24", true],
    ["192.168.56.11/32", true],
    ["0.0.0.0/0", true],
    ["128.0.0.0/1", true],
    ["1.0.0.0/0", false],
  ])("%s has no host bits set: %s", (text, expected) => {
    expect(isNetworkAddress(parseCidr(text)!)).toBe(expected);
  });
});

describe("contains", () => {
  const lab = rangeOf("192.168.56.0", 24);
  it.each([
    ["192.168.56.0", true],
    ["192.168.56.255", true],
    ["192.168.56.11", true],
    ["192.168.55.255", false],
    ["192.168.57.0", false],
  ])("192.168.56.0/24 contains %s: %s", (ip, expected) => {
    expect(contains(lab, ip)).toBe(expected);
  });

  it("a /32 contains only its address", () => {
    expect(contains(rangeOf("10.0.0.5", 32), "10.0.0.5")).toBe(true);
    expect(contains(rangeOf("10.0.0.5", 32), "10.0.0.6")).toBe(false);
  });
});

describe("overlaps", () => {
  const r = (cidr: string) => {
    const { address, prefixLength } = parseCidr(cidr)!;
    return rangeOf(address, prefixLength);
  };
  it.each([
    ["10.2.0.0/16", "10.3.0.0/16", false],
    ["10.2.0.0/16", "10.2.255.0/24", true],
    ["10.0.0.0/8", "10.1.0.0/16", true],
    ["10.1.0.0/16", "10.0.0.0/8", true],
    ["10.2.0.0/16", "10.2.0.0/16", true],
    ["192.168.56.0/24", "192.168.57.0/24", false],
    ["192.168.56.0/23", "192.168.57.0/24", true],
    ["10.0.0.0/31", "10.0.0.1/32", true],
    ["10.0.0.0/32", "10.0.0.1/32", false],
    ["0.0.0.0/0", "203.0.113.0/24", true],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(overlaps(r(a), r(b))).toBe(expected);
    expect(overlaps(r(b), r(a))).toBe(expected);
  });
});

describe("keyPath", () => {
  it.each([
    [[], "istio-lab:cluster"],
    [["nodes", 1, "ip"], "istio-lab:cluster.nodes[1].ip"],
    [["network", "dns", 0], "istio-lab:cluster.network.dns[0]"],
    [["nodes", 0], "istio-lab:cluster.nodes[0]"],
    [["vsphere", "cpus"], "istio-lab:cluster.vsphere.cpus"],
  ] as const)("formats %j", (path, expected) => {
    expect(keyPath("istio-lab:cluster", path)).toBe(expected);
  });
});

describe("closestKey", () => {
  const clusterKeys = ["source", "kubernetesVersion", "os", "podCidr", "serviceCidr", "nodes", "network", "ssh", "vsphere", "kubeconfig"];
  it.each([
    ["podCIDR", "podCidr"],
    ["sorce", "source"],
    ["kubernetesversion", "kubernetesVersion"],
    ["kubernetesVerison", "kubernetesVersion"],
    ["node", "nodes"],
    ["netwrok", "network"],
    ["kubeconf", "kubeconfig"],
  ])("suggests %s -> %s", (typo, expected) => {
    expect(closestKey(typo, clusterKeys)).toBe(expected);
  });

  it.each(["colour", "kubernetes", "v4", "x"])("suggests nothing for %j", (typo) => {
    expect(closestKey(typo, clusterKeys)).toBeUndefined();
  });

  it("does not take a short key for another one letter away", () => {
    expect(closestKey("v4", ["v1", "v2", "v3"])).toBeUndefined();
    expect(closestKey("v1", ["v1", "v2", "v3"])).toBe("v1");
  });

  it("prefers the nearest, then the first in order", () => {
    expect(closestKey("nodez", ["nodes", "node"])).toBe("node");
    expect(closestKey("abcx", ["abcz", "abcy"])).toBe("abcy");
  });

  it("says what to use in the unknown-key message", () => {
    expect(unknownKeyMessage("senario", ["scenario", "cluster"])).toBe('unknown key "senario"; did you mean "scenario"?');
    expect(unknownKeyMessage("zzz", ["scenario", "cluster"])).toBe('unknown key "zzz"; known keys are "scenario", "cluster"');
  });
});

describe("ConfigError", () => {
  it("lists every issue by key and says nothing was created", () => {
    const error = new ConfigError([
      { key: "istio-lab:cluster.nodes[1].ip", message: "must be an IPv4 address" },
      { key: "vsphere:user", message: "is required" },
    ]);
    expect(error.message).toBe(
      "istio-lab: 2 configuration problems; nothing was created:\n  - istio-lab:cluster.nodes[1].ip: must be an IPv4 address\n  - vsphere:user: is required",
    );
    expect(new ConfigError([{ key: "k", message: "m" }]).message).toMatch(/^istio-lab: 1 configuration problem; /);
  });
});
