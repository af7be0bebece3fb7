// "HOST:PORT" as a listen address (issue 16 item 4: `metrics.listen`): an IPv4 address, or an IPv6 address in
// brackets (RFC 3986 §3.2.2), then a port. Pure; the schema turns its message into a config error.
import { isIPv4, isIPv6 } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** The address and port of a value the schema accepted (it refuses every other). */
export function hostPort(text: string): HostPort {
  const parsed = parseHostPort(text);
  if (typeof parsed === 'string') throw new Error(`${text}: ${parsed}`);
  return parsed;
}

/** The address and port of `text`, or a sentence saying what is wrong with it. */
export function parseHostPort(text: string): HostPort | string {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (m === null) return 'must be ADDRESS:PORT, e.g. "127.0.0.1:9464" or "[::1]:9464"';
  const port = Number(m[3]);
  if (port > 65535) return `port ${port} is out of range`;
  const v6 = m[1];
  if (v6 !== undefined) return isIPv6(v6) ? { host: v6, port } : `"${v6}" is not an IPv6 address`;
  const v4 = m[2] ?? '';
  return isIPv4(v4) ? { host: v4, port } : `"${v4}" is not an IPv4 address (write an IPv6 address in brackets)`;
}
