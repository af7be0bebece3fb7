// The key a client address is counted under, for per-address connection limits (net/listener.ts) and login
// failure limits (sasl/failure-limiter.ts), SPEC R11.2, R6.4: IPv4 by its address, an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) as that IPv4 address, any other IPv6 address by its /64 — the prefix one
// subscriber is usually given (RFC 6177), so one client cannot multiply its share by changing interface ids.

/** The counting key of an address: "192.0.2.1", or "2001:db8:1:2::/64". Anything unparsable keys as itself (cut). */
export function addressKey(address: string): string {
  const lower = address.toLowerCase().replace(/%.*$/, '');
  if (!lower.includes(':')) return lower.slice(0, 64);
  const words = parseIpv6(lower);
  if (words === null) return lower.slice(0, 64);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    const [hi = 0, lo = 0] = words.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${words
    .slice(0, 4)
    .map((w) => w.toString(16))
    .join(':')}::/64`;
}

/** RFC 4291 §2.2 text forms (full, "::"-compressed, with a dotted-quad tail) → eight 16-bit words, or null. */
export function parseIpv6(text: string): number[] | null {
  let hex = text;
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted !== null) {
    const [a = 256, b = 256, c = 256, d = 256] = dotted.slice(2).map(Number);
    if (Math.max(a, b, c, d) > 255) return null;
    hex = `${dotted[1] ?? ''}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const back = groups(halves[1]);
  if (![...head, ...back].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const missing = 8 - head.length - back.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const words = (gs: string[]): number[] => gs.map((g) => parseInt(g, 16));
  return [...words(head), ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...words(back)];
}
