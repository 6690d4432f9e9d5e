/** Just enough IPv4 CIDR arithmetic for the overlap rule (policies keep their own copy: they never import the planner). */
export interface Range {
  readonly first: number;
  readonly last: number;
}

export function parseRange(text: string): Range | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const first = address - (address % size);
  return { first, last: first + size - 1 };
}

export function overlaps(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Ranges no internet host can source traffic from: RFC 1918 private space, shared
 * address space (RFC 6598), loopback, link-local, "this network", multicast and
 * the reserved block (RFC 6890's special-purpose registry, the blocks that matter
 * for a firewall source).
 */
export const NON_PUBLIC_RANGES: readonly string[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/**
 * How many public (internet-routable) addresses a set of CIDRs admits together:
 * overlaps counted once, non-public space left out. Judging a source list by
 * this sum, not by the literal `0.0.0.0/0`, catches `0.0.0.0/1` + `128.0.0.0/1`.
 * Unparseable entries are ignored (callers validate them separately).
 */
export function publicAddressCount(cidrs: readonly string[]): number {
  const merged = mergeRanges(cidrs.map(parseRange).filter((r): r is Range => r !== undefined));
  const excluded = mergeRanges(NON_PUBLIC_RANGES.map((c) => parseRange(c)!));
  let total = 0;
  for (const r of merged) {
    let count = r.last - r.first + 1;
    for (const x of excluded) {
      const first = Math.max(r.first, x.first);
      const last = Math.min(r.last, x.last);
      if (first <= last) count -= last - first + 1;
    }
    total += count;
  }
  return total;
}

/** A /8 worth of addresses: source lists admitting this many public addresses are world-wide in effect. */
export const WORLD_WIDE_ADDRESSES = 2 ** 24;

/** True when the CIDRs together admit at least a /8 of public addresses. */
export function isWorldWide(cidrs: readonly string[]): boolean {
  return publicAddressCount(cidrs) >= WORLD_WIDE_ADDRESSES;
}

function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.first <= last.last + 1) out[out.length - 1] = { first: last.first, last: Math.max(last.last, r.last) };
    else out.push(r);
  }
  return out;
}

/** True when every range in `inner` lies inside the union of `outer` (unparseable entries never cover, nor are covered). */
export function coveredBy(inner: readonly string[], outer: readonly string[]): boolean {
  const union = mergeRanges(outer.map(parseRange).filter((r): r is Range => r !== undefined));
  return inner.every((c) => {
    const r = parseRange(c);
    return r !== undefined && union.some((u) => u.first <= r.first && r.last <= u.last);
  });
}

/**
 * An IPv6 source is public unless it lies in unique-local (fc00::/7),
 * link-local (fe80::/10), loopback (::1) or the unspecified address; `::/0`
 * and any global-unicast prefix admit the internet.
 */
export function isPublicIpv6(cidr: string): boolean {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m || !m[1]!.includes(":")) return false;
  const prefix = Number(m[2]);
  if (prefix > 128) return false;
  if (prefix === 0) return true;
  const head = m[1]!.startsWith("::") ? 0 : parseInt(m[1]!.split(":")[0]!, 16);
  if (m[1] === "::1" || (m[1] === "::" && prefix === 128)) return false;
  if (prefix >= 7 && (head & 0xfe00) === 0xfc00) return false;
  if (prefix >= 10 && (head & 0xffc0) === 0xfe80) return false;
  return true;
}
