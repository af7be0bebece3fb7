// The per-recipient trace prefix (SPEC R1.7, R2.3, R2.4): Return-Path (RFC 5321 §4.4), Delivered-To,
// our Authentication-Results (RFC 8601 §2.2, §2.7) directly above our Received field (RFC 5321 §4.4,
// RFC 3848 LMTP/LMTPA/LMTPS/LMTPSA), as seed 002 §8.1 item 4 asks. Every untrusted value is sanitised.
import { isIP } from 'node:net';
import type { Verdict, Verification } from './verify.js';
import { commentText, foldField, formatDateTime, pvalue, quoteValue, sanitize } from './header-text.js';

export interface TraceContext {
  /** Our authserv-id (R2.1). */
  authservId: string;
  /** Our host name, for `by`. */
  hostname: string;
  /** The LMTP client as seen on this connection. */
  client: { helo: string | null; ip: string | null; hostname: string | null };
  /** TLS in use on the session, if any. */
  tls: { protocol: string; cipher: string } | null;
  /** The session authenticated with AUTH (RFC 3848 "A"). */
  authenticated: boolean;
  queueId: string;
  /** The envelope sender; empty string for the null path `<>`. */
  mailFrom: string;
  /** `AUTH=<id>` from a trusted client, decoded; null when absent, `<>` or untrusted (R1.3). */
  smtpAuth: string | null;
  date: Date;
}

/** A DNS name (ASCII LDH or U-labels, RFC 5321 §4.1.2, RFC 6531), checked label by label without regex backtracking. */
export function isDomain(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  return text.split('.').every((label) => {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
    for (const ch of label) {
      const c = ch.codePointAt(0)!;
      const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c > 0x7f;
      if (!ok) return false;
    }
    return true;
  });
}

/** RFC 5321 §4.1.3 address literal for an IP address, or null when it is not one. */
export function addressLiteral(ip: string): string | null {
  const kind = isIP(ip);
  if (kind === 4) return `[${ip}]`;
  if (kind === 6) return `[IPv6:${ip}]`;
  return null;
}

/** An address for a path or a field: sanitised, angle brackets dropped (they would end the path). */
export function safeAddress(address: string): string {
  return sanitize(address.replace(/[<>]/g, ''));
}

function verdictWords(v: Verdict): string[] {
  const words = [`${v.method}=${v.result}`];
  if (v.comment) words.push(...`(${commentText(v.comment)})`.split(' '));
  for (const [name, value] of v.props) words.push(`${name}=${pvalue(value)}`);
  return words;
}

/** `Authentication-Results: <authserv-id>; ...` with what was verified, or `; none` (RFC 8601 §2.2). */
export function authenticationResultsField(authservId: string, verification: Verification, smtpAuth: string | null): string {
  const id = quoteValue(authservId);
  const resinfos: string[][] = [];
  if (verification.evaluated) {
    for (const v of verification.dkim) resinfos.push(verdictWords(v));
    for (const v of [verification.spf, verification.arc, verification.dmarc]) if (v) resinfos.push(verdictWords(v));
  }
  const auth = smtpAuth === null ? '' : sanitize(smtpAuth);
  if (auth.length > 0) resinfos.push(['auth=pass', `smtp.auth=${pvalue(auth)}`]); // RFC 8601 §2.7.4
  if (resinfos.length === 0) return `Authentication-Results: ${id}; none\r\n`;
  const words = [`${id};`];
  const breaks = new Set<number>();
  resinfos.forEach((resinfo, i) => {
    breaks.add(words.length);
    const last = resinfo.length - 1;
    resinfo.forEach((w, j) => words.push(j === last && i < resinfos.length - 1 ? `${w};` : w));
  });
  return foldField('Authentication-Results', words, { breakBefore: breaks });
}

/** RFC 3848 protocol name: LMTP, plus S with TLS, plus A when authenticated. */
export function withProtocol(tls: boolean, authenticated: boolean): string {
  return `LMTP${tls ? 'S' : ''}${authenticated ? 'A' : ''}`;
}

function fromWords(client: TraceContext['client']): string[] {
  const helo = client.helo === null ? '' : sanitize(client.helo);
  const literal = client.ip === null ? null : addressLiteral(client.ip);
  const heloOk = isDomain(helo) || (helo.startsWith('[') && helo.endsWith(']') && addressLiteral(helo.slice(1, -1).replace(/^IPv6:/i, '')) !== null);
  const info: string[] = [];
  if (!heloOk && helo.length > 0) info.push(`helo=${commentText(helo, 100)}`);
  if (client.hostname !== null && isDomain(client.hostname)) info.push(client.hostname);
  if (literal !== null) info.push(literal);
  const words = ['from', heloOk ? helo : 'unknown'];
  if (info.length > 0) words.push(...`(${info.join(' ')})`.split(' '));
  return words;
}

/** Our Received field for one recipient (RFC 5321 §4.4 Stamp, RFC 5322 §3.6.7). */
export function receivedField(ctx: TraceContext, recipient: string): string {
  const words = fromWords(ctx.client);
  const breaks = new Set<number>();
  breaks.add(words.length);
  words.push('by', isDomain(ctx.hostname) ? ctx.hostname : 'localhost', '(Postern)');
  words.push('with', withProtocol(ctx.tls !== null, ctx.authenticated));
  if (ctx.tls !== null) {
    const tls = `(using ${commentText(ctx.tls.protocol, 40)} with cipher ${commentText(ctx.tls.cipher, 80)})`;
    words.push(...tls.split(' '));
  }
  const id = sanitize(ctx.queueId, 64).replace(/[^A-Za-z0-9._-]/g, '');
  if (id.length > 0) words.push('id', id);
  words.push('for', `<${safeAddress(recipient)}>;`);
  breaks.add(words.length);
  words.push(formatDateTime(ctx.date));
  return foldField('Received', words, { breakBefore: breaks });
}

/**
 * The bytes prepended above the message for one recipient, in this order: Return-Path, Delivered-To,
 * Authentication-Results, Received (R1.7; the A-R field sits directly above the Received field, R2.4).
 */
export function tracePrefix(ctx: TraceContext, verification: Verification, recipient: string): Buffer {
  const fields = [
    `Return-Path: <${safeAddress(ctx.mailFrom)}>\r\n`,
    `Delivered-To: ${safeAddress(recipient)}\r\n`,
    authenticationResultsField(ctx.authservId, verification, ctx.smtpAuth),
    receivedField(ctx, recipient),
  ];
  return Buffer.from(fields.join(''), 'utf8');
}
