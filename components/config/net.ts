// IPv4 arithmetic for the config rules: node networks, pod and service CIDRs, on ipaddr.js.
// Only dotted-quad decimal is an address here (192.168.56.11). ipaddr.js on its own also reads the
// inet_aton forms, "127.1", "2130706433", "0x7f.0.0.1" and "010.0.0.1" (octal: 8.0.0.1), which
// kubeadm and Flannel refuse or read differently, hence its four-part-decimal checks below.
import ipaddr from "ipaddr.js";

const { IPv4 } = ipaddr;

export interface Cidr {
  address: string;
  prefixLength: number;
}

/**
 * Reads a CIDR as written: a dotted-quad address, "/" and a prefix length of one or two digits up
 * to 32. Host bits may be set (see isNetworkAddress); anything else is undefined.
 */
export function parseCidr(text: string): Cidr | undefined {
  // ipaddr.js takes a prefix of any number of digits ("/016"); istio-lab has always taken one or two.
  if (!IPv4.isValidCIDRFourPartDecimal(text) || !/\/\d{1,2}$/.test(text)) return undefined;
  const [address, prefixLength] = IPv4.parseCIDR(text);
  return { address: address.toString(), prefixLength };
}

/** A CIDR block: its first (network) and last (broadcast) address, in dotted-quad decimal. */
export interface Range {
  network: string;
  broadcast: string;
  prefixLength: number;
}

/** The block of the given prefix length that holds the address, which must be valid (the schema checked it). */
export function rangeOf(ip: string, prefixLength: number): Range {
  const cidr = `${ip}/${prefixLength}`;
  return {
    network: IPv4.networkAddressFromCIDR(cidr).toString(),
    broadcast: IPv4.broadcastAddressFromCIDR(cidr).toString(),
    prefixLength,
  };
}

/** The block as a CIDR, such as 192.168.56.0/24. */
export function formatRange({ network, prefixLength }: Range): string {
  return `${network}/${prefixLength}`;
}

/** True when the address has no host bits set, as kubeadm and Flannel require of a CIDR. */
export function isNetworkAddress({ address, prefixLength }: Cidr): boolean {
  return rangeOf(address, prefixLength).network === address;
}

export function contains(range: Range, ip: string): boolean {
  return IPv4.parse(ip).match(IPv4.parse(range.network), range.prefixLength);
}

/** CIDR blocks are nested or disjoint: two overlap exactly when one holds the other's network address. */
export function overlaps(a: Range, b: Range): boolean {
  return contains(a, b.network) || contains(b, a.network);
}
