// The authentication policy (R5.3, R5.4, R6.4): mechanisms offered, delays, per-IP and per-user limits,
// indistinguishable failures, one sanitised log line per outcome that never holds the password.
import { describe, it, expect } from 'vitest';
import { Authenticator, sanitiseForLog, type AttemptContext, type AuthenticatorOptions } from '../../../src/sasl/authenticator.js';
import { createLogger, sessionLogger } from '../../../src/log/logger.js';
import type { UserWithCredentials } from '../../../src/store/types.js';
import { captureLogger, lookupOver, makeUser } from './fixtures.js';
import { ScramClient } from './scram-client.js';

const PASSWORD = 'Tr0ub4dor&3';
const ctx: AttemptContext = { tls: true, peer: null, allowPlaintextWithoutTls: false, remoteAddress: '192.0.2.7', protocol: 'imap' };
const plain = (user: string, pw: string): Buffer => Buffer.from(`\u0000${user}\u0000${pw}`, 'utf8');

async function setup(extra: Partial<AuthenticatorOptions> = {}) {
  const alice: UserWithCredentials = await makeUser('alice@example.org', PASSWORD);
  const logger = captureLogger();
  const delays: number[] = [];
  let now = 1_000_000;
  const auth = new Authenticator({
    lookup: lookupOver([alice]),
    logger,
    failureDelayMs: 50,
    maxFailuresPerIp: 5,
    maxFailuresPerUser: 3,
    windowMs: 60_000,
    now: () => now,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...extra,
  });
  return { alice, auth, logger, delays, advance: (ms: number) => (now += ms) };
}

async function plainLogin(auth: Authenticator, user: string, pw: string, c: AttemptContext = ctx) {
  const begun = auth.begin('plain', c);
  if (!begun.ok) throw new Error(begun.refusal);
  return begun.exchange.start(plain(user, pw));
}

describe('Authenticator.mechanisms', () => {
  it('offers PLAIN and LOGIN only with TLS or when allowed, SCRAM always, EXTERNAL with a verified peer', async () => {
    const { auth } = await setup();
    expect(auth.mechanisms({ tls: false, peer: null, allowPlaintextWithoutTls: false })).toEqual(['SCRAM-SHA-256']);
    expect(auth.mechanisms({ tls: false, peer: null, allowPlaintextWithoutTls: true })).toEqual(['SCRAM-SHA-256', 'PLAIN', 'LOGIN']);
    expect(auth.mechanisms({ tls: true, peer: null, allowPlaintextWithoutTls: false })).toEqual(['SCRAM-SHA-256', 'PLAIN', 'LOGIN']);
    expect(auth.mechanisms({ tls: true, peer: { emails: ['a@b'], commonName: null }, allowPlaintextWithoutTls: false })).toEqual([
      'EXTERNAL',
      'SCRAM-SHA-256',
      'PLAIN',
      'LOGIN',
    ]);
  });

  it('refuses to begin a mechanism that is not offered, saying why', async () => {
    const { auth } = await setup();
    expect(auth.begin('PLAIN', { ...ctx, tls: false })).toEqual({ ok: false, refusal: 'requires-tls' });
    expect(auth.begin('EXTERNAL', ctx)).toEqual({ ok: false, refusal: 'requires-certificate' });
    expect(auth.begin('CRAM-MD5', ctx)).toEqual({ ok: false, refusal: 'unknown-mechanism' });
    expect(auth.begin('scram-sha-256', { ...ctx, tls: false }).ok).toBe(true);
  });
});

describe('Authenticator outcomes', () => {
  it('logs a success once, with no delay', async () => {
    const { alice, auth, logger, delays } = await setup();
    expect(await plainLogin(auth, 'alice@example.org', PASSWORD)).toEqual({
      kind: 'success',
      identity: { userId: alice.id, user: 'alice@example.org' },
    });
    expect(delays).toEqual([]);
    expect(logger.lines).toEqual([
      {
        level: 'info',
        msg: 'authenticated',
        obj: { event: 'auth-success', protocol: 'imap', remote: '192.0.2.7', mechanism: 'PLAIN', tls: true, user: 'alice@example.org' },
      },
    ]);
  });

  it('answers an unknown user exactly like a wrong password, one delayed log line each, no password logged', async () => {
    const { auth, logger, delays } = await setup();
    const wrong = await plainLogin(auth, 'alice@example.org', 'guess-1');
    const unknown = await plainLogin(auth, 'mallory@example.org', PASSWORD);
    expect(wrong).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    expect(unknown).toEqual(wrong);
    expect(delays).toEqual([50, 50]);
    expect(logger.lines.map((l) => [l.level, l.obj])).toEqual([
      ['warn', { event: 'auth-failure', protocol: 'imap', remote: '192.0.2.7', mechanism: 'PLAIN', tls: true, user: 'alice@example.org', reason: 'bad-credentials' }],
      ['warn', { event: 'auth-failure', protocol: 'imap', remote: '192.0.2.7', mechanism: 'PLAIN', tls: true, user: 'mallory@example.org', reason: 'bad-credentials' }],
    ]);
    const text = JSON.stringify(logger.lines);
    expect(text).not.toContain('guess-1');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(plain('alice@example.org', 'guess-1').toString('base64'));
  });

  it('spends comparable time on an unknown user as on a wrong password (a decoy scrypt)', async () => {
    const { auth } = await setup({ failureDelayMs: 0 });
    await plainLogin(auth, 'alice@example.org', 'warm-up');
    const time = async (user: string): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await plainLogin(auth, user, 'guess');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const wrong = await time('alice@example.org');
    const unknown = await time('nobody@example.org');
    const prohibited = await (async () => {
      const t0 = process.hrtime.bigint();
      await plainLogin(auth, 'alice@example.org', 'bad\u0007');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    })();
    expect(unknown).toBeGreaterThan(wrong / 4);
    expect(prohibited).toBeGreaterThan(wrong / 4);
  });

  it('writes one JSON line per failure through the real pino logger, without the password', async () => {
    const chunks: string[] = [];
    const destination = { write: (s: string) => void chunks.push(s) };
    const { auth } = await setup({ logger: createLogger({ level: 'info', destination }) });
    await plainLogin(auth, 'alice@example.org', 'hunter2-secret');
    const lines = chunks.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', event: 'auth-failure', protocol: 'imap', remote: '192.0.2.7', user: 'alice@example.org', mechanism: 'PLAIN', reason: 'bad-credentials' });
    expect(chunks.join('')).not.toContain('hunter2');
  });

  it('writes the outcome through the session logger when given: the session fields, not its own (issue 16 item 8)', async () => {
    const chunks: string[] = [];
    const root = createLogger({ level: 'info', destination: { write: (s: string) => void chunks.push(s) } });
    const { auth } = await setup({ logger: createLogger({ level: 'silent' }) });
    const log = sessionLogger(root, 'imap', 'abc123', '192.0.2.7');
    await plainLogin(auth, 'alice@example.org', 'hunter2-secret', { ...ctx, log });
    const lines = chunks.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ event: 'auth-failure', protocol: 'imap', session: 'abc123', remote: '192.0.2.7', mechanism: 'PLAIN', tls: true });
    expect(lines[0]?.match(/"remote":/g)).toHaveLength(1);
    expect(chunks.join('')).not.toContain('hunter2');
  });

  it('applies a real delay by default timer', async () => {
    const { auth } = await setup({ sleep: undefined, failureDelayMs: 120 });
    const started = Date.now();
    await plainLogin(auth, 'alice@example.org', 'wrong');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('locks the guessing address out of an account, not the owner at another address, until the window passes', async () => {
    const { auth, logger, delays, advance } = await setup();
    const attacker = { ...ctx, remoteAddress: '198.51.100.1' };
    for (let i = 0; i < 3; i++) expect((await plainLogin(auth, 'alice@example.org', `guess-${i}`, attacker)).kind).toBe('failure');
    // The guessing address is refused even with the right password, with the same answer and delay.
    const locked = await plainLogin(auth, 'ALICE@example.org', PASSWORD, attacker);
    expect(locked).toEqual({ kind: 'failure', reason: 'too-many' });
    expect(delays).toEqual([50, 50, 50, 50]);
    expect(logger.lines.at(-1)?.obj).toMatchObject({ reason: 'too-many', user: 'ALICE@example.org' });
    // The owner, elsewhere, is let in; the attacker may still try other accounts until the per-address limit.
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, { ...ctx, remoteAddress: '203.0.113.9' })).kind).toBe('success');
    expect(await plainLogin(auth, 'bob@example.org', 'x', attacker)).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    advance(60_001);
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, attacker)).kind).toBe('success');
  });

  it('past the global per-account limit, checks the account only from addresses it logged in from', async () => {
    const { auth, advance } = await setup({ maxFailuresPerUserGlobal: 6 });
    const home = { ...ctx, remoteAddress: '2001:db8:aa:1::10' };
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, home)).kind).toBe('success');
    for (let i = 0; i < 6; i++) {
      const spread = { ...ctx, remoteAddress: `198.51.100.${i}` };
      expect(await plainLogin(auth, 'alice@example.org', `guess-${i}`, spread)).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    }
    // A seventh address is refused unchecked, even with the right password...
    expect(await plainLogin(auth, 'alice@example.org', PASSWORD, { ...ctx, remoteAddress: '198.51.100.99' })).toEqual({
      kind: 'failure',
      reason: 'too-many',
    });
    // ...while the owner, from the /64 she logged in from before, gets in; other accounts are unaffected.
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, { ...home, remoteAddress: '2001:db8:aa:1::77' })).kind).toBe('success');
    expect(await plainLogin(auth, 'bob@example.org', 'x', { ...ctx, remoteAddress: '198.51.100.99' })).toEqual({
      kind: 'failure',
      reason: 'bad-credentials',
    });
    advance(60_001);
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, { ...ctx, remoteAddress: '198.51.100.99' })).kind).toBe('success');
  });

  it('refused attempts from one insisting address do not push the account past its global limit', async () => {
    const { auth } = await setup({ maxFailuresPerUserGlobal: 6 });
    const attacker = { ...ctx, remoteAddress: '198.51.100.1' };
    for (let i = 0; i < 30; i++) await auth.verifyLoginPassword('alice@example.org', `guess-${i}`, attacker);
    expect(await auth.verifyLoginPassword('alice@example.org', PASSWORD, attacker)).toEqual({ kind: 'failure', reason: 'too-many' });
    // Only 3 passwords were checked: the owner, from an address never seen before, still gets in.
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, { ...ctx, remoteAddress: '203.0.113.50' })).kind).toBe('success');
  });

  it('counts an attempt before its slow check: 45 concurrent wrong passwords from one address, only the limit checked', async () => {
    const alice = await makeUser('alice@example.org', PASSWORD);
    let lookups = 0;
    const lookup = lookupOver([alice]);
    const { auth } = await setup({
      maxFailuresPerIp: 20,
      maxFailuresPerUser: 10,
      lookup: (name) => {
        lookups += 1;
        return lookup(name);
      },
    });
    // Different accounts (the per-address limit binds), then one account (the per-account-and-address limit).
    const spread = await Promise.all(Array.from({ length: 45 }, (_, i) => plainLogin(auth, `user${i}@example.org`, 'guess')));
    expect(lookups).toBe(20);
    expect(spread.filter((o) => o.kind === 'failure' && o.reason === 'bad-credentials')).toHaveLength(20);
    expect(spread.filter((o) => o.kind === 'failure' && o.reason === 'too-many')).toHaveLength(25);
    lookups = 0;
    const other = { ...ctx, remoteAddress: '192.0.2.99' };
    const one = await Promise.all(Array.from({ length: 45 }, () => auth.verifyLoginPassword('alice@example.org', 'guess', other)));
    expect(lookups).toBe(10);
    expect(one.filter((o) => o.kind === 'failure' && o.reason === 'too-many')).toHaveLength(35);
  });

  it('lets many concurrent logins with the right password from one address all in: pending attempts wait, never refuse', async () => {
    // One client opening 24 connections at once (more than both limits): the counts reserved by attempts still
    // being checked make the others wait for them to end, and every success gives its count back.
    const { auth } = await setup({ maxFailuresPerIp: 20, maxFailuresPerUser: 10 });
    const outcomes = await Promise.all(Array.from({ length: 24 }, () => auth.verifyLoginPassword('alice@example.org', PASSWORD, ctx)));
    expect(outcomes.filter((o) => o.kind === 'success')).toHaveLength(24);
    // Mixed with a guesser's wrong passwords from the same address: failures never pass the per-address limit.
    const mixed = await Promise.all(
      Array.from({ length: 30 }, (_, i) => auth.verifyLoginPassword('alice@example.org', i % 3 === 0 ? PASSWORD : 'guess', ctx)),
    );
    expect(mixed.filter((o) => o.kind === 'failure' && o.reason === 'bad-credentials').length).toBeLessThanOrEqual(20);
  });

  it('bounds the password hashes in flight; every attempt is still checked', async () => {
    const { auth } = await setup({ maxConcurrentHashes: 2, maxFailuresPerIp: 100 });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => plainLogin(auth, i % 2 === 0 ? 'alice@example.org' : `nobody${i}@example.org`, 'guess', { ...ctx, remoteAddress: `198.51.100.${i}` })),
    );
    expect(outcomes.every((o) => o.kind === 'failure' && o.reason === 'bad-credentials')).toBe(true);
    expect(auth.hashGate.peak).toBe(2);
    expect(auth.hashGate.inFlight).toBe(0);
  });

  it('announces for unknown names the SCRAM counts real accounts hold, in proportion (R6.4: the count tells nothing)', async () => {
    const counts = [
      { iterations: 4096, accounts: 1 }, // an account made before issue 17, not renewed yet
      { iterations: 150_000, accounts: 1 },
    ];
    const { auth } = await setup({ maxFailuresPerIp: 100_000, maxFailuresPerUser: 100_000, scramIterationCounts: async () => counts });
    await new Promise((r) => setImmediate(r)); // the counts are read in the background
    const announced = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const begun = auth.begin('SCRAM-SHA-256', ctx);
      if (!begun.ok) throw new Error('expected an exchange');
      const step = await begun.exchange.start(new ScramClient(`nobody${i}@example.org`, 'x').first());
      if (step.kind !== 'challenge') throw new Error(`expected a challenge, got ${step.kind}`);
      announced.add(/,i=(\d+)$/.exec(step.data.toString('utf8'))?.[1] ?? 'none');
      await begun.exchange.cancel();
    }
    expect([...announced].sort()).toEqual(['150000', '4096']);
  });

  it('gives back the count of an admitted attempt that was cancelled or succeeded', async () => {
    const { auth } = await setup({ maxFailuresPerIp: 1 });
    const begun = auth.begin('SCRAM-SHA-256', ctx);
    if (!begun.ok) throw new Error('expected an exchange');
    expect((await begun.exchange.start(new ScramClient('alice@example.org', PASSWORD).first())).kind).toBe('challenge');
    expect(await begun.exchange.cancel()).toEqual({ kind: 'failure', reason: 'cancelled' });
    for (let i = 0; i < 3; i++) expect((await plainLogin(auth, 'alice@example.org', PASSWORD)).kind).toBe('success');
    expect(await plainLogin(auth, 'alice@example.org', 'wrong')).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    expect(await plainLogin(auth, 'alice@example.org', PASSWORD)).toEqual({ kind: 'failure', reason: 'too-many' });
  });

  it('blocks an address after maxFailuresPerIp, for every user and mechanism', async () => {
    const { auth } = await setup();
    for (let i = 0; i < 5; i++) await plainLogin(auth, `user${i}@example.org`, 'x');
    expect(await plainLogin(auth, 'alice@example.org', PASSWORD)).toEqual({ kind: 'failure', reason: 'too-many' });
    const scram = auth.begin('SCRAM-SHA-256', ctx);
    if (!scram.ok) throw new Error('expected an exchange');
    expect(await scram.exchange.start(new ScramClient('alice@example.org', PASSWORD).first())).toEqual({ kind: 'failure', reason: 'too-many' });
    expect(await auth.verifyLoginPassword('alice@example.org', PASSWORD, ctx)).toEqual({ kind: 'failure', reason: 'too-many' });
    // Another address is unaffected.
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD, { ...ctx, remoteAddress: '192.0.2.8' })).kind).toBe('success');
  });

  it('logs a cancel and delays it, but does not count it toward the limits', async () => {
    const { auth, logger, delays } = await setup({ maxFailuresPerIp: 1 });
    const begun = auth.begin('LOGIN', ctx);
    if (!begun.ok) throw new Error('expected an exchange');
    await begun.exchange.start(Buffer.from('alice@example.org'));
    expect(await begun.exchange.cancel()).toEqual({ kind: 'failure', reason: 'cancelled' });
    expect(await begun.exchange.step(Buffer.from('x'))).toEqual({ kind: 'failure', reason: 'malformed' });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.obj).toMatchObject({ mechanism: 'LOGIN', user: 'alice@example.org', reason: 'cancelled' });
    expect(delays).toEqual([50]);
    expect((await plainLogin(auth, 'alice@example.org', PASSWORD)).kind).toBe('success');
  });

  it('runs SCRAM through the guard: success logged once', async () => {
    const { alice, auth, logger } = await setup();
    const begun = auth.begin('SCRAM-SHA-256', { ...ctx, tls: false, protocol: 'pop3' });
    if (!begun.ok) throw new Error('expected an exchange');
    const client = new ScramClient('alice@example.org', PASSWORD);
    const sf = await begun.exchange.start(client.first());
    if (sf.kind !== 'challenge') throw new Error('expected server-first');
    const sfin = await begun.exchange.step(await client.final(sf.data));
    if (sfin.kind !== 'challenge') throw new Error('expected server-final');
    expect(client.verifyServerFinal(sfin.data)).toBe(true);
    expect(logger.lines).toEqual([]);
    expect(await begun.exchange.step(Buffer.alloc(0))).toEqual({ kind: 'success', identity: { userId: alice.id, user: alice.name } });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.obj).toMatchObject({ event: 'auth-success', protocol: 'pop3', mechanism: 'SCRAM-SHA-256' });
  });

  it('turns a mechanism exception and a failing store into temporary failures', async () => {
    const { auth, logger } = await setup({ lookup: () => Promise.reject(new Error('database is locked')) });
    expect(await plainLogin(auth, 'alice@example.org', PASSWORD)).toEqual({ kind: 'failure', reason: 'temporary' });
    expect(logger.lines[0]?.obj).toMatchObject({ reason: 'temporary' });
    expect(JSON.stringify(logger.lines)).not.toContain('database is locked');
  });

  it('EXTERNAL logs in only the certificate user', async () => {
    const { alice, auth } = await setup();
    const peerCtx = { ...ctx, peer: { emails: ['alice@example.org'], commonName: null } };
    const begun = auth.begin('EXTERNAL', peerCtx);
    if (!begun.ok) throw new Error('expected an exchange');
    expect(await begun.exchange.start(Buffer.alloc(0))).toEqual({ kind: 'success', identity: { userId: alice.id, user: alice.name } });
    const other = auth.begin('EXTERNAL', peerCtx);
    if (!other.ok) throw new Error('expected an exchange');
    expect(await other.exchange.start(Buffer.from('bob@example.org'))).toEqual({ kind: 'failure', reason: 'not-permitted' });
  });
});

describe('Authenticator.verifyLoginPassword', () => {
  it('checks IMAP LOGIN / POP3 USER-PASS with the same policy', async () => {
    const { alice, auth, logger } = await setup();
    expect(await auth.verifyLoginPassword('alice@example.org', PASSWORD, ctx)).toEqual({
      kind: 'success',
      identity: { userId: alice.id, user: alice.name },
    });
    expect(await auth.verifyLoginPassword('alice@example.org', 'nope', ctx)).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    expect(await auth.verifyLoginPassword('ghost', 'nope', ctx)).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    expect(await auth.verifyLoginPassword('alice@example.org', PASSWORD, { ...ctx, tls: false })).toEqual({
      kind: 'failure',
      reason: 'not-permitted',
    });
    expect(logger.lines.map((l) => l.obj.mechanism)).toEqual(['PASSWORD', 'PASSWORD', 'PASSWORD', 'PASSWORD']);
    expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
  });
});

describe('sanitiseForLog', () => {
  it('replaces control and format characters and bounds the length', () => {
    expect(sanitiseForLog('bob\r\nFAKE LINE\u202e')).toBe('bob??FAKE LINE?');
    expect(sanitiseForLog('x'.repeat(300))).toHaveLength(101);
    expect(sanitiseForLog(null)).toBeNull();
  });
});
