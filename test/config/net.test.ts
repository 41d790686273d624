// IPv4 arithmetic (net.ts, on ipaddr.js) as fast-check properties, and the key paths and
// suggestions of messages (errors.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, closestKey, keyPath, unknownKeyMessage } from "../../components/config/errors";
import { contains, formatRange, isNetworkAddress, overlaps, parseCidr, rangeOf, type Range } from "../../components/config/net";
import { cidr, ipv4 } from "../../components/config/schema";

// fast-check picks a new seed each run and prints it with any counterexample.
const runs = { numRuns: 200 };

// The model: addresses as unsigned 32-bit numbers and blocks as intervals, the arithmetic net.ts
// did by hand before ipaddr.js. Plain arithmetic, no bitwise operators: those are signed 32-bit.
const toNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
const fromNumber = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
const sizeOf = (prefixLength: number) => 2 ** (32 - prefixLength);
const interval = (r: Range) => ({ first: toNumber(r.network), last: toNumber(r.broadcast) });

/** The grammar istio-lab has always taken: dotted-quad decimal, no leading zeros, and a prefix of one or two digits up to 32. */
const dottedQuad = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function cidrGrammar(text: string) {
  const match = /^([^/]*)\/(\d{1,2})$/.exec(text);
  return match && dottedQuad.test(match[1]) && Number(match[2]) <= 32 ? { address: match[1], prefixLength: Number(match[2]) } : undefined;
}

const prefixLength = fc.integer({ min: 0, max: 32 });
/** Address-like text: good and bad octets (leading zeros, out of range, hex, signs, spaces), two to five of them. */
const octetLike = fc.oneof(fc.nat(300).map(String), fc.stringMatching(/^0[0-9]{1,3}$/), fc.constantFrom("", "-1", " 1", "1 ", "0x1f", "1e2", "\uff11"));
const addressLike = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.array(octetLike, { minLength: 2, maxLength: 5 }).map((parts) => parts.join(".")),
  fc.ipV4().map((ip) => `${ip}\n`),
  fc.string(),
);
const prefixLike = fc.oneof(
  fc.nat(40).map(String),
  fc.tuple(fc.constantFrom("0", "00"), fc.nat(32)).map(([zeros, n]) => `${zeros}${n}`),
  fc.stringMatching(/^[0-9]{1,4}$/),
  fc.constantFrom("", "-1", "1.5", " 8", "16/8", "0x10"),
);
const cidrLike = fc.oneof(
  fc.tuple(addressLike, prefixLike).map(([address, prefix]) => `${address}/${prefix}`),
  fc.tuple(fc.ipV4(), prefixLike).map(([address, prefix]) => `${address}/${prefix}`),
  fc.string(),
);

/** A block from any address and prefix length; `inside` picks an address of it, its host part taken from a second random address. */
const block = fc.record({ ip: fc.ipV4(), prefixLength }).map(({ ip, prefixLength }) => rangeOf(ip, prefixLength));
const inside = (r: Range, random: string) => fromNumber(toNumber(r.network) + (toNumber(random) % sizeOf(r.prefixLength)));
/** A block and a block within it (maybe itself): an address inside the outer one and a prefix at least as long. */
const nested = fc.tuple(block, fc.ipV4(), fc.nat(32)).map(([outer, random, extra]) => {
  const length = outer.prefixLength + (extra % (33 - outer.prefixLength));
  return [outer, rangeOf(inside(outer, random), length)] as const;
});
/** Two blocks from the two halves of one parent block, so never sharing an address. */
const disjoint = fc
  .tuple(fc.ipV4(), fc.integer({ min: 0, max: 31 }), fc.ipV4(), fc.ipV4(), fc.nat(31), fc.nat(31))
  .map(([ip, parentLength, x, y, dx, dy]) => {
    const lower = rangeOf(rangeOf(ip, parentLength).network, parentLength + 1);
    const upper = rangeOf(fromNumber(toNumber(lower.broadcast) + 1), parentLength + 1);
    const within = (r: Range, random: string, extra: number) => rangeOf(inside(r, random), r.prefixLength + (extra % (33 - r.prefixLength)));
    return [within(lower, x, dx), within(upper, y, dy)] as const;
  });

describe("IPv4 addresses", () => {
  it("the ipv4 schema (zod's format) and parseCidr take exactly the dotted-quad decimal addresses", () => {
    fc.assert(
      fc.property(addressLike, (text) => {
        expect(ipv4.safeParse(text).success).toBe(dottedQuad.test(text));
        expect(parseCidr(`${text}/24`) !== undefined).toBe(dottedQuad.test(text));
      }),
      runs,
    );
  });

  // ipaddr.IPv4.parse reads the first seven as inet_aton does; kubeadm and Flannel would not.
  it.each(["127.1", "127.0.1", "2130706433", "0x7f.0.0.1", "010.0.0.1", "01.2.3.4", "1.2.3.04", "256.0.0.1", "1.2.3.-1", " 1.2.3.4", "1.2.3.4\n", "1..3.4", "::1", "::ffff:1.2.3.4", ""])(
    "refuses %j",
    (text) => {
      expect(ipv4.safeParse(text).success).toBe(false);
      expect(parseCidr(`${text}/32`)).toBeUndefined();
    },
  );
});

describe("parseCidr", () => {
  it("reads back every address and prefix length it is given", () => {
    fc.assert(
      fc.property(fc.ipV4(), prefixLength, (address, length) => {
        expect(parseCidr(`${address}/${length}`)).toEqual({ address, prefixLength: length });
      }),
      runs,
    );
  });

  it("takes exactly the CIDRs of istio-lab's grammar", () => {
    fc.assert(
      fc.property(cidrLike, (text) => {
        expect(parseCidr(text)).toEqual(cidrGrammar(text));
      }),
      runs,
    );
  });

  it.each(["10.2.0.0", "10.2.0.0/", "10.2.0.0/33", "10.2.0.0/100", "10.2.0.0/016", "10.2.0.0/-1", "10.2.0.0/1.5", "10.2.0.0/16/8", "10.2.0/16", "10.2.0.0/16\n", "/16", ""])(
    "refuses %j",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  // zod's cidrv4 format refuses this one, which is why schema.ts keeps its own refinement.
  it("reads a two-digit prefix with a leading zero", () => {
    expect(parseCidr("10.0.0.0/08")).toEqual({ address: "10.0.0.0", prefixLength: 8 });
    expect(z.cidrv4().safeParse("10.0.0.0/08").success).toBe(false);
  });

  it("agrees with zod's cidrv4 format but for such a prefix", () => {
    fc.assert(
      fc.property(cidrLike, (text) => {
        expect(z.cidrv4().safeParse(text).success).toBe(parseCidr(text) !== undefined && !/\/0\d$/.test(text));
      }),
      runs,
    );
  });
});

describe("rangeOf", () => {
  it("spans the aligned block of 2^(32 - prefix) addresses around the address", () => {
    fc.assert(
      fc.property(fc.ipV4(), prefixLength, (ip, length) => {
        const range = rangeOf(ip, length);
        const size = sizeOf(length);
        expect(interval(range)).toEqual({ first: Math.floor(toNumber(ip) / size) * size, last: Math.floor(toNumber(ip) / size) * size + size - 1 });
        expect(range.prefixLength).toBe(length);
      }),
      runs,
    );
  });

  it("holds its address, its network address and its broadcast address; the network address has no host bits", () => {
    fc.assert(
      fc.property(fc.ipV4(), prefixLength, (ip, length) => {
        const range = rangeOf(ip, length);
        expect(contains(range, ip)).toBe(true);
        expect(contains(range, range.network)).toBe(true);
        expect(contains(range, range.broadcast)).toBe(true);
        expect(isNetworkAddress({ address: range.network, prefixLength: length })).toBe(true);
        expect(rangeOf(range.network, length)).toEqual(range);
        expect(parseCidr(formatRange(range))).toEqual({ address: range.network, prefixLength: length });
      }),
      runs,
    );
  });
});

describe("isNetworkAddress and the cidr schema", () => {
  it("accepts a CIDR at its network address", () => {
    fc.assert(
      fc.property(block, (range) => {
        expect(cidr.safeParse(formatRange(range)).success).toBe(true);
      }),
      runs,
    );
  });

  it("refuses a CIDR with host bits set, saying so", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 31 }), fc.ipV4(), (ip, length, random) => {
        const network = toNumber(rangeOf(ip, length).network);
        const text = `${fromNumber(network + 1 + (toNumber(random) % (sizeOf(length) - 1)))}/${length}`;
        expect(isNetworkAddress(parseCidr(text)!)).toBe(false);
        const result = cidr.safeParse(text);
        expect(result.error?.issues.map((i) => i.message)).toEqual([`has host bits set: "${text}" is not the first address of its /${length}`]);
      }),
      runs,
    );
  });
});

describe("contains", () => {
  it("holds every address of the block", () => {
    fc.assert(
      fc.property(block, fc.ipV4(), (range, random) => {
        expect(contains(range, inside(range, random))).toBe(true);
      }),
      runs,
    );
  });

  it("holds no address just before or after the block", () => {
    fc.assert(
      fc.property(block, (range) => {
        const { first, last } = interval(range);
        if (first > 0) expect(contains(range, fromNumber(first - 1))).toBe(false);
        if (last < 2 ** 32 - 1) expect(contains(range, fromNumber(last + 1))).toBe(false);
      }),
      runs,
    );
  });

  it("holds an address exactly when it lies between the network and broadcast addresses", () => {
    fc.assert(
      fc.property(block, fc.ipV4(), (range, ip) => {
        const { first, last } = interval(range);
        expect(contains(range, ip)).toBe(toNumber(ip) >= first && toNumber(ip) <= last);
      }),
      runs,
    );
  });
});

describe("overlaps", () => {
  const pairs = fc.oneof(fc.tuple(block, block), nested, disjoint);

  it("is symmetric and holds exactly when the blocks share an address", () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const x = interval(a);
        const y = interval(b);
        expect(overlaps(a, b)).toBe(x.first <= y.last && y.first <= x.last);
        expect(overlaps(b, a)).toBe(overlaps(a, b));
      }),
      runs,
    );
  });

  it("holds exactly when one block holds the other's network address", () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        expect(overlaps(a, b)).toBe(contains(a, b.network) || contains(b, a.network));
      }),
      runs,
    );
  });

  it("holds for a block and any block within it", () => {
    fc.assert(
      fc.property(nested, ([outer, inner]) => {
        expect(overlaps(outer, inner)).toBe(true);
      }),
      runs,
    );
  });

  it("never holds for blocks in the two halves of a parent block", () => {
    fc.assert(
      fc.property(disjoint, ([a, b]) => {
        expect(overlaps(a, b)).toBe(false);
      }),
      runs,
    );
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
