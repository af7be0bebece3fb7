// Message authentication at ingest with mailauth: DKIM (RFC 6376), SPF (RFC 7208), DMARC (RFC 7489), ARC
// (RFC 8617), reduced to RFC 8601 §2.7 results (SPEC R2.3). DNS only through the injected resolver, under
// a hard deadline; a DNS failure or timeout gives `temperror` and never an exception.
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { authenticate, type AuthenticateResult, type DNSResolver } from 'mailauth';
import { guardResolver, type DnsResolver } from './dns-guard.js';

export type { DnsResolver };

/** RFC 8601 §2.7 result keywords used by the four methods. */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/** One method's verdict, ready to be stamped: result, optional comment, and ptype.property=value pairs. */
export interface Verdict {
  method: 'dkim' | 'spf' | 'dmarc' | 'arc';
  result: AuthResult;
  comment: string | null;
  props: Array<[string, string]>;
}

export interface Verification {
  /** False when verification was switched off: the stamp then says nothing about these methods. */
  evaluated: boolean;
  /** One verdict per DKIM signature (`dkim=none` when unsigned). */
  dkim: Verdict[];
  /** Null when SPF was not evaluated (no client address known). */
  spf: Verdict | null;
  dmarc: Verdict | null;
  arc: Verdict | null;
}

export interface VerifyOptions {
  /** The originating client's address (from XFORWARD); null when unknown. */
  clientIp: string | null;
  /** The originating client's HELO name (from XFORWARD). */
  helo: string | null;
  /** The envelope sender; empty string or null for the null path `<>`. */
  mailFrom: string | null;
  resolver: DnsResolver;
  /** Hard limit on the whole verification, in milliseconds. */
  timeoutMs: number;
  /** Take client address, HELO and sender from the topmost Received field (a trusted MTA's). */
  trustReceived?: boolean;
  /** Verification can be switched off (R2.3); defaults to on. */
  enabled?: boolean;
  /** Our name, used by mailauth in result comments. */
  authservId?: string;
}

export const NOT_EVALUATED: Verification = { evaluated: false, dkim: [], spf: null, dmarc: null, arc: null };

const RESULTS: ReadonlySet<string> = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

function toResult(raw: string | undefined): AuthResult {
  if (raw === 'temperr') return 'temperror';
  return raw !== undefined && RESULTS.has(raw) ? (raw as AuthResult) : 'neutral';
}

function verdict(method: Verdict['method'], result: AuthResult, comment: string | null, props: Array<[string, string]> = []): Verdict {
  return { method, result, comment, props };
}

/** Everything temperror: the deadline passed or mailauth failed; the message is still delivered. */
function allTemperror(reason: string, spfEvaluated: boolean): Verification {
  return {
    evaluated: true,
    dkim: [verdict('dkim', 'temperror', reason)],
    spf: spfEvaluated ? verdict('spf', 'temperror', reason) : null,
    dmarc: verdict('dmarc', 'temperror', reason),
    arc: verdict('arc', 'temperror', reason),
  };
}

function reduceDkim(res: AuthenticateResult): Verdict[] {
  return res.dkim.results.map((r) => {
    let result = toResult(r.status.result);
    let comment = r.status.comment ?? null;
    // RFC 6376 §6.1.3: a body hash mismatch is a verification failure (RFC 8601 §2.7.1 "fail");
    // mailauth reports it as neutral.
    if (result === 'neutral' && comment === 'body hash did not verify') result = 'fail';
    if (result === 'none') comment = null;
    const props: Array<[string, string]> = [];
    if (r.signingDomain) props.push(['header.d', r.signingDomain]);
    if (r.selector) props.push(['header.s', r.selector]);
    const header = r.status.header as Record<string, unknown> | undefined;
    if (typeof header?.['a'] === 'string') props.push(['header.a', header['a']]);
    if (typeof header?.['b'] === 'string') props.push(['header.b', header['b']]);
    return verdict('dkim', result, comment, props);
  });
}

function reduce(res: AuthenticateResult, spfWanted: boolean, mailFrom: string | null, sawTransientDns: () => boolean): Verification {
  const out: Verification = { evaluated: true, dkim: reduceDkim(res), spf: null, dmarc: null, arc: null };
  if (spfWanted && res.spf && res.spf['client-ip']) {
    const s = res.spf;
    const props: Array<[string, string]> = [];
    const sender = s['envelope-from'] ?? '';
    // RFC 7208 §2.4: with the null path the HELO identity was checked, as postmaster@<helo>.
    const heloOnly = !mailFrom && s.helo !== undefined && sender === `postmaster@${s.helo}`;
    if (sender && !heloOnly) props.push(['smtp.mailfrom', sender]);
    else if (s.helo) props.push(['smtp.helo', s.helo]);
    out.spf = verdict('spf', toResult(s.status.result), s.status.comment ?? null, props);
  }
  if (res.dmarc) {
    const from = (res.dmarc.status.header as Record<string, unknown> | undefined)?.['from'];
    const props: Array<[string, string]> = typeof from === 'string' ? [['header.from', from]] : [];
    out.dmarc = verdict('dmarc', toResult(res.dmarc.status.result), res.dmarc.status.comment ?? null, props);
  }
  if (res.arc) {
    let result = toResult(res.arc.status.result);
    const comment = res.arc.status.comment ?? null;
    // mailauth calls every ARC failure permanent; one without a structural reason, while DNS failed
    // transiently, is a DNS failure (RFC 8617 §5.2 lets the validator report temperror).
    if (result === 'fail' && comment === null && sawTransientDns()) result = 'temperror';
    out.arc = verdict('arc', result, comment);
  }
  return out;
}

/**
 * Verifies the message once; never throws, never takes much longer than `timeoutMs`. A large message comes as
 * a function opening a stream of it (issue 12 item 13: mailauth hashes the body as it streams).
 */
export async function verifyMessage(raw: Buffer | (() => Readable), opts: VerifyOptions): Promise<Verification> {
  if (opts.enabled === false) return NOT_EVALUATED;
  const clientIp = opts.clientIp && isIP(opts.clientIp) ? opts.clientIp : null;
  const spfWanted = clientIp !== null || opts.trustReceived === true;
  const timeoutMs = Math.max(1, opts.timeoutMs);
  // DNS stops a little before the deadline so mailauth can still turn the timeouts into temperror verdicts.
  const guard = guardResolver(opts.resolver, Math.max(1, Math.floor(timeoutMs * 0.8)));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const input = typeof raw === 'function' ? raw() : raw;
  const work = authenticate(input, {
    ip: clientIp ?? undefined,
    helo: opts.helo ?? undefined,
    sender: opts.mailFrom || undefined,
    trustReceived: opts.trustReceived === true,
    mta: opts.authservId,
    resolver: guard.resolver as DNSResolver,
    disableBimi: true,
  });
  work.catch(() => undefined); // a late failure after the deadline must not become an unhandled rejection
  try {
    const outcome = await Promise.race([work, deadline]);
    if (outcome === 'timeout') return allTemperror('verification timed out', spfWanted);
    return reduce(outcome, spfWanted, opts.mailFrom, guard.sawTransientFailure);
  } catch {
    return allTemperror('verification failed', spfWanted);
  } finally {
    clearTimeout(timer);
    guard.expire();
    if (typeof raw === 'function') (input as Readable).destroy(); // after a timeout: stop reading the file
  }
}
