// The authentication policy every protocol uses (SPEC R5.3, R5.4, R6): which mechanisms to offer, a delay on
// each failure (Dovecot's auth_failure_delay), limits per address, per account from one address and per account
// from everywhere, a bound on password hashes in flight, one log line per outcome.
import { addressKey } from '../net/address-key.js';
import { FailureLimiter, type Counting, type FailureEntry } from './failure-limiter.js';
import { HashGate } from './hash-gate.js';
import { KnownAddresses } from './known-addresses.js';
import { ExternalExchange } from './external.js';
import { LoginExchange } from './login.js';
import {
  failure,
  type AuthzPolicy,
  type CertificateIdentity,
  type CredentialLookup,
  type MechanismDeps,
  type SaslExchange,
  type SaslFailureReason,
  type SaslOutcome,
  type SaslStep,
} from './mechanism.js';
import { decoyIterations } from './decoy.js';
import { DEFAULT_SCRAM_ITERATIONS } from './passwords.js';
import { CredentialRenewal, type RehashOptions } from './rehash.js';
import { checkPassword } from './password-check.js';
import { PlainExchange } from './plain.js';
import { ScramSha256Exchange } from './scram-sha-256.js';
import { VerifiedCache } from './verified-cache.js';

export type SaslMechanismName = 'EXTERNAL' | 'SCRAM-SHA-256' | 'PLAIN' | 'LOGIN';
export type AuthProtocol = 'imap' | 'pop3' | 'lmtp';

/** What the session knows about its transport. */
export interface AuthContext {
  tls: boolean;
  /** The verified client certificate's identity, or null (tls/peer-identity.ts). */
  peer: CertificateIdentity | null;
  allowPlaintextWithoutTls: boolean;
}

export interface AttemptContext extends AuthContext {
  remoteAddress: string;
  protocol: AuthProtocol;
  /**
   * The session's logger (log/logger.ts sessionLogger): the outcome line then carries the session's own fields
   * (protocol, session, remote) like every other line of it. Without it the line names protocol and remote.
   */
  log?: AuthLogger;
}

export type BeginResult =
  | { ok: true; exchange: SaslExchange }
  | { ok: false; refusal: 'unknown-mechanism' | 'requires-tls' | 'requires-certificate' };

/** The two levels used; pino's Logger fits. */
export interface AuthLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface AuthenticatorOptions {
  lookup: CredentialLookup;
  logger: AuthLogger;
  /** R6.4: delay before a failure is answered; 2000 ms by default. */
  failureDelayMs?: number;
  /** Failures from one address (IPv6: one /64), whatever the account. */
  maxFailuresPerIp?: number;
  /** Failures against one account from one address: the attacker's address is locked out, not the owner. */
  maxFailuresPerUser?: number;
  /**
   * Failures against one account from all addresses together. Past it, the account is checked only from
   * addresses that logged in to it before (the owner's), so a guesser spread over many addresses is held to
   * this many guesses per window while the owner still gets in.
   */
  maxFailuresPerUserGlobal?: number;
  /** Password hashes (scrypt, PBKDF2) in flight at once. */
  maxConcurrentHashes?: number;
  /** Successful password checks remembered (entries, time to live); by default none. */
  verifiedCache?: { entries: number; ttlMs: number };
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** SCRAM iterations announced for unknown users and given to renewed credentials: config auth.scramIterations. */
  scramIterations?: number;
  /**
   * Issue 17 item 1: where credentials made at another cost are replaced after a successful password check
   * (Store.replaceCredentials); without it they are left as they are.
   */
  replaceCredentials?: RehashOptions['replace'];
  /**
   * R6.4: how many accounts hold SCRAM keys of each count (Store.scramIterationCounts), read at most once a
   * minute; unknown names then announce counts in the same proportions. Without it, scramIterations for all.
   */
  scramIterationCounts?: () => Promise<Array<{ iterations: number; accounts: number }>>;
  /** Who may act for whom (RFC 4422 §2); by default nobody but themselves. */
  authorize?: AuthzPolicy;
  /** SCRAM server nonce source, for test vectors. */
  serverNonce?: () => string;
  /** Told of every attempt's end, once (issue 16 item 4: postern_logins_total). */
  onSettled?: (attempt: { protocol: AuthProtocol; mechanism: string; ok: boolean }) => void;
}

/** Mechanism used in log lines for IMAP LOGIN and POP3 USER/PASS. */
export const PASSWORD_COMMAND = 'PASSWORD';

/** Failures that count toward the limits: each tried something; a cancel or a server fault did not. */
const COUNTED: ReadonlySet<SaslFailureReason> = new Set(['bad-credentials', 'malformed', 'not-permitted', 'too-many']);
const MAX_LOGGED_NAME = 100;
/** How long the accounts' SCRAM iteration counts are used before they are read again. */
const COUNTS_TTL_MS = 60_000;

/** An attempted login as it may appear in a log line: printable, bounded. */
export function sanitiseForLog(name: string | null): string | null {
  if (name === null) return null;
  const clean = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, '?');
  return clean.length > MAX_LOGGED_NAME ? `${clean.slice(0, MAX_LOGGED_NAME)}…` : clean;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long an attempt waits, at most, for attempts still being checked to end when only they stand between it
 * and a limit; past it (an exchange abandoned half-way stays pending) it is refused like one over the limit.
 */
const ADMIT_WAIT_MS = 10_000;

/** One login attempt: the counts it reserved when admitted (R6.4), kept as failures or given back. */
interface Attempt {
  ctx: AttemptContext;
  reserved: Array<{ limiter: FailureLimiter; key: string; entry: FailureEntry }>;
}

export class Authenticator {
  private readonly byAddress: FailureLimiter;
  private readonly byUserAddress: FailureLimiter;
  private readonly byUser: FailureLimiter;
  private readonly known = new KnownAddresses();
  /** Attempts waiting in admit() for a pending attempt to end. */
  private readonly admitWaiters = new Set<() => void>();
  /** The bound on password hashes in flight (R11.1). */
  readonly hashGate: HashGate;
  /** Successful password checks remembered for a short time (issue 17 item 1). */
  readonly verified: VerifiedCache;
  /** Renews credentials made at another cost (issue 17 item 1); null without opts.replaceCredentials. */
  readonly renewal: CredentialRenewal | null;
  private readonly delayMs: number;
  /** The accounts' SCRAM iteration counts (opts.scramIterationCounts), for decoys; empty until first read. */
  private iterationCounts: Array<{ iterations: number; accounts: number }> = [];
  private countsReadAt = -Infinity;
  private countsReading = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: AuthenticatorOptions) {
    const now = opts.now ?? Date.now;
    const windowMs = opts.windowMs ?? 300_000;
    const perUser = opts.maxFailuresPerUser ?? 10;
    this.byAddress = new FailureLimiter(opts.maxFailuresPerIp ?? 20, windowMs, now);
    this.byUserAddress = new FailureLimiter(perUser, windowMs, now);
    this.byUser = new FailureLimiter(opts.maxFailuresPerUserGlobal ?? 10 * perUser, windowMs, now);
    this.hashGate = new HashGate(opts.maxConcurrentHashes ?? 2);
    this.verified = new VerifiedCache(opts.verifiedCache?.entries ?? 0, opts.verifiedCache?.ttlMs ?? 0, now);
    this.renewal =
      opts.replaceCredentials === undefined
        ? null
        : new CredentialRenewal({
            scramIterations: opts.scramIterations ?? DEFAULT_SCRAM_ITERATIONS,
            replace: opts.replaceCredentials,
            slot: (work) => this.hashGate.run(work),
            renewed: (userId, next, password) => this.verified.remember(userId, next.scrypt, password),
            log: opts.logger,
          });
    this.delayMs = opts.failureDelayMs ?? 2000;
    this.refreshIterationCounts();
    this.sleep = opts.sleep ?? realSleep;
  }

  /** The mechanisms to advertise (R5.3: no cleartext passwords without TLS; R5.4: EXTERNAL with a certificate). */
  mechanisms(ctx: AuthContext): SaslMechanismName[] {
    const names: SaslMechanismName[] = [];
    if (ctx.peer !== null) names.push('EXTERNAL');
    names.push('SCRAM-SHA-256');
    if (ctx.tls || ctx.allowPlaintextWithoutTls) names.push('PLAIN', 'LOGIN');
    return names;
  }

  /** Whether IMAP LOGIN / POP3 USER/PASS may be used (IMAP LOGINDISABLED, POP3 USER in CAPA). */
  plaintextAllowed(ctx: AuthContext): boolean {
    return ctx.tls || ctx.allowPlaintextWithoutTls;
  }

  /** Starts an exchange for `mechanism` (case-insensitive), or says why it is not offered here. */
  begin(mechanism: string, ctx: AttemptContext): BeginResult {
    const name = mechanism.toUpperCase();
    const attempt: Attempt = { ctx, reserved: [] };
    const deps = this.deps(attempt);
    let inner: SaslExchange;
    switch (name) {
      case 'SCRAM-SHA-256':
        this.refreshIterationCounts();
        inner = new ScramSha256Exchange(deps, {
          decoyIterations: (username) => decoyIterations(username, this.iterationCounts, this.opts.scramIterations ?? DEFAULT_SCRAM_ITERATIONS),
          ...(this.opts.serverNonce ? { serverNonce: this.opts.serverNonce } : {}),
        });
        break;
      case 'PLAIN':
      case 'LOGIN':
        if (!this.plaintextAllowed(ctx)) return { ok: false, refusal: 'requires-tls' };
        inner = name === 'PLAIN' ? new PlainExchange(deps) : new LoginExchange(deps);
        break;
      case 'EXTERNAL':
        if (ctx.peer === null) return { ok: false, refusal: 'requires-certificate' };
        inner = new ExternalExchange(deps, ctx.peer);
        break;
      default:
        return { ok: false, refusal: 'unknown-mechanism' };
    }
    return { ok: true, exchange: new GuardedExchange(inner, this.addressBlocked(ctx), (o, u) => this.settle(attempt, name, u, o)) };
  }

  /** Reads the accounts' SCRAM counts again when the last read is a minute old (in the background). */
  private refreshIterationCounts(): void {
    const read = this.opts.scramIterationCounts;
    const clock = this.opts.now ?? Date.now;
    if (read === undefined || this.countsReading || clock() - this.countsReadAt < COUNTS_TTL_MS) return;
    this.countsReading = true;
    read()
      .then((counts) => {
        this.iterationCounts = counts;
        // No account yet: read again at the next exchange rather than a minute later.
        this.countsReadAt = counts.length > 0 ? clock() : -Infinity;
      })
      .catch(() => undefined) // the store is busy or closing: the counts read before stay
      .finally(() => {
        this.countsReading = false;
      });
  }

  /** IMAP LOGIN and POP3 USER/PASS under the same policy as SASL (R5.3, R6.4). */
  async verifyLoginPassword(user: string, password: string, ctx: AttemptContext): Promise<SaslOutcome> {
    let outcome: SaslOutcome;
    const attempt: Attempt = { ctx, reserved: [] };
    if (!this.plaintextAllowed(ctx)) outcome = { kind: 'failure', reason: 'not-permitted' };
    else {
      try {
        const checked = await checkPassword(this.deps(attempt), user, password);
        outcome = checked.ok ? { kind: 'success', identity: { userId: checked.user.id, user: checked.user.name } } : checked.outcome;
      } catch {
        outcome = { kind: 'failure', reason: 'temporary' };
      }
    }
    return this.settle(attempt, PASSWORD_COMMAND, user, outcome);
  }

  private deps(attempt: Attempt): MechanismDeps {
    return {
      lookup: this.opts.lookup,
      authorize: this.opts.authorize ?? null,
      admit: (login) => this.admit(attempt, login),
      hashSlot: (work) => this.hashGate.run(work),
      verified: this.verified,
      ...(this.renewal === null ? {} : { renewal: this.renewal }),
    };
  }

  /**
   * R6.4, before any credential is checked: refuse over a limit, else count the attempt now, in the same
   * tick as the check, so that concurrent attempts cannot all pass it (issue 12 hole 14). settle() keeps the
   * counts as failures or gives them back.
   */
  private async admit(attempt: Attempt, login: string): Promise<SaslFailureReason | null> {
    if (attempt.reserved.length > 0) return null;
    const address = addressKey(attempt.ctx.remoteAddress);
    const user = userKey(login);
    const pair = `${user}\u0000${address}`;
    const over = (counting: Counting): boolean =>
      this.byAddress.isBlocked(address, counting) ||
      this.byUserAddress.isBlocked(pair, counting) ||
      // Past the account's global limit only its known addresses are checked: the owner, not a spread guesser.
      (this.byUser.isBlocked(user, counting) && !this.known.has(user, address));
    const deadline = Date.now() + ADMIT_WAIT_MS;
    while (over('all')) {
      if (over('failures')) return 'too-many';
      // Only attempts still being checked stand in the way: wait for one to end rather than refuse, so that
      // many concurrent logins with the right password (a client opening several connections) all get in,
      // while concurrent wrong ones never exceed the limit.
      if (!(await this.nextAttemptEnd(deadline))) return 'too-many';
    }
    for (const [limiter, key] of [
      [this.byAddress, address],
      [this.byUserAddress, pair],
      [this.byUser, user],
    ] as const) {
      attempt.reserved.push({ limiter, key, entry: limiter.reserve(key) });
    }
    return null;
  }

  /** Resolves true when some attempt ends (its counts settled or given back), false at the deadline. */
  private nextAttemptEnd(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.admitWaiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.admitWaiters.delete(wake);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      timer.unref();
      this.admitWaiters.add(wake);
    });
  }

  private wakeAdmitWaiters(): void {
    for (const wake of [...this.admitWaiters]) wake();
  }

  /** Refused at once: the address has reached its limit with failures (pending attempts are judged in admit). */
  private addressBlocked(ctx: AttemptContext): boolean {
    return this.byAddress.isBlocked(addressKey(ctx.remoteAddress), 'failures');
  }

  private release(attempt: Attempt): void {
    for (const r of attempt.reserved.splice(0)) r.limiter.release(r.key, r.entry);
    this.wakeAdmitWaiters();
  }

  /** An admitted attempt failed: its pending counts become failures. */
  private keepAsFailures(attempt: Attempt): void {
    for (const r of attempt.reserved.splice(0)) r.limiter.settle(r.entry);
    this.wakeAdmitWaiters();
  }

  /** The end of an attempt: count, log once, and delay a failure. */
  private async settle(attempt: Attempt, mechanism: string, attempted: string | null, outcome: SaslOutcome): Promise<SaslOutcome> {
    const { ctx } = attempt;
    // Issue 16 item 8: the same field names as the session's lines; docs/logging.md's fail2ban filter reads them.
    const log = ctx.log ?? this.opts.logger;
    const where = ctx.log === undefined ? { protocol: ctx.protocol, remote: ctx.remoteAddress } : {};
    const base = { ...where, mechanism, tls: ctx.tls };
    const address = addressKey(ctx.remoteAddress);
    this.opts.onSettled?.({ protocol: ctx.protocol, mechanism, ok: outcome.kind === 'success' });
    if (outcome.kind === 'success') {
      this.release(attempt);
      const user = userKey(outcome.identity.user);
      this.byUserAddress.reset(`${user}\u0000${address}`);
      this.known.add(user, address);
      log.info({ event: 'auth-success', ...base, user: sanitiseForLog(outcome.identity.user) }, 'authenticated');
      return outcome;
    }
    if (!COUNTED.has(outcome.reason)) this.release(attempt);
    else if (attempt.reserved.length > 0) this.keepAsFailures(attempt);
    else {
      // Refused or malformed before admission: it keeps its own address locked out (an admitted attempt was
      // counted when admitted). It tried no password, so it does not count toward the account's global limit:
      // one address insisting must not lock the owner out of their account everywhere.
      this.byAddress.record(address);
      if (attempted !== null) this.byUserAddress.record(`${userKey(attempted)}\u0000${address}`);
    }
    log.warn(
      { event: 'auth-failure', ...base, user: sanitiseForLog(attempted), reason: outcome.reason },
      'authentication failed',
    );
    if (this.delayMs > 0) await this.sleep(this.delayMs);
    return outcome;
  }
}

function userKey(login: string): string {
  return login.toLowerCase().slice(0, 320);
}

/** Wraps a mechanism: turns exceptions into 'temporary', settles the outcome exactly once. */
class GuardedExchange implements SaslExchange {
  private finished = false;
  private busy = false;

  constructor(
    private readonly inner: SaslExchange,
    private readonly blocked: boolean,
    private readonly onOutcome: (outcome: SaslOutcome, attempted: string | null) => Promise<SaslOutcome>,
  ) {}

  get mechanism(): string {
    return this.inner.mechanism;
  }

  get attemptedUser(): string | null {
    return this.inner.attemptedUser;
  }

  start(initial: Buffer | null): Promise<SaslStep> {
    return this.run(() => (this.blocked ? Promise.resolve(failure('too-many')) : this.inner.start(initial)));
  }

  step(response: Buffer): Promise<SaslStep> {
    return this.run(() => this.inner.step(response));
  }

  cancel(): Promise<SaslStep> {
    return this.run(() => this.inner.cancel());
  }

  private async run(fn: () => Promise<SaslStep>): Promise<SaslStep> {
    if (this.finished || this.busy) return failure('malformed');
    this.busy = true;
    let step: SaslStep;
    try {
      step = await fn();
    } catch {
      step = failure('temporary');
    }
    this.busy = false;
    if (step.kind === 'challenge') return step;
    this.finished = true;
    return this.onOutcome(step, this.inner.attemptedUser);
  }
}
