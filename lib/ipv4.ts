/**
 * IPv4 and CIDR arithmetic shared by the emulator and the engine. Pure functions, no I/O.
 * Addresses are unsigned 32-bit numbers.
 */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted quad ("10.0.0.1"); null when it is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export interface Cidr {
  /** First address of the block. */
  network: number;
  prefix: number;
  /** Whether `network` had host bits set in the text (e.g. "10.0.0.5/24"). */
  aligned: boolean;
}

/** Parses "a.b.c.d/n"; null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const ip = parseIPv4(m[1]);
  const prefix = Number(m[2]);
  if (ip === null || prefix > 32) return null;
  const network = (ip & maskOf(prefix)) >>> 0;
  return { network, prefix, aligned: network === ip };
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function broadcastOf(c: Cidr): number {
  return (c.network | (~maskOf(c.prefix) >>> 0)) >>> 0;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ((ip & maskOf(c.prefix)) >>> 0) === c.network;
}

/** True when `ip` is a usable host address of the block (not the network or broadcast address). */
export function isHostOf(c: Cidr, ip: number): boolean {
  if (!cidrContains(c, ip)) return false;
  if (c.prefix >= 31) return true;
  return ip !== c.network && ip !== broadcastOf(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.network)}/${c.prefix}`;
}
