/**
 * IPv4 CIDR arithmetic for carving subnets out of a region's range and for
 * proving that ranges in one environment never overlap (pod IPs are routed
 * between regions, so an overlap silently black-holes inter-DC traffic).
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns a reason string instead of throwing so callers can collect problems. */
export function parseCidr(text: string): Cidr | string {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return "is not an IPv4 CIDR like 10.0.0.0/16";
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return "has an octet above 255";
  if (prefix > 32) return "has a prefix length above 32";
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const base = networkOf(address, prefix);
  if (base !== address) return `has host bits set; the network address is ${formatCidr({ base, prefix })}`;
  return { base, prefix };
}

/** Parses a CIDR that is already known to be valid (validated config). */
export function mustParseCidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(`invalid CIDR ${text}: ${parsed}`);
  return parsed;
}

export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${(b >>> 24) & 255}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

export function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The `index`-th block of prefix `newPrefix` inside `cidr`. */
export function subnet(cidr: Cidr, newPrefix: number, index: number): Cidr {
  if (newPrefix < cidr.prefix || newPrefix > 32) {
    throw new Error(`cannot carve a /${newPrefix} out of ${formatCidr(cidr)}`);
  }
  const count = 2 ** (newPrefix - cidr.prefix);
  if (index < 0 || index >= count) {
    throw new Error(`${formatCidr(cidr)} holds ${count} /${newPrefix} blocks; index ${index} is out of range`);
  }
  return { base: cidr.base + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

function networkOf(address: number, prefix: number): number {
  const hostBits = 32 - prefix;
  return hostBits === 32 ? 0 : Math.floor(address / 2 ** hostBits) * 2 ** hostBits;
}
