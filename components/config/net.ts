// IPv4 arithmetic for the config rules: node networks, pod and service CIDRs.
// Addresses are held as unsigned 32-bit numbers so ranges compare with plain arithmetic.

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const ipv4Pattern = new RegExp(`^${octet}(\\.${octet}){3}$`);

export function isIPv4(text: string): boolean {
  return ipv4Pattern.test(text);
}

export function ipToNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

export interface Range {
  first: number;
  last: number;
}

export function rangeOf(ip: string, prefixLength: number): Range {
  const size = 2 ** (32 - prefixLength);
  const first = Math.floor(ipToNumber(ip) / size) * size;
  return { first, last: first + size - 1 };
}

export interface Cidr {
  address: string;
  prefixLength: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [address, prefix, ...rest] = text.split("/");
  if (rest.length > 0 || !isIPv4(address) || !/^\d{1,2}$/.test(prefix ?? "")) return undefined;
  const prefixLength = Number(prefix);
  return prefixLength <= 32 ? { address, prefixLength } : undefined;
}

/** True when the address has no host bits set, as kubeadm and Flannel require of a CIDR. */
export function isNetworkAddress({ address, prefixLength }: Cidr): boolean {
  return rangeOf(address, prefixLength).first === ipToNumber(address);
}

export function contains(range: Range, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= range.first && n <= range.last;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}
