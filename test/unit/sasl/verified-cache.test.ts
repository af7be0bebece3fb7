// Successful password checks remembered (issue 17 item 1, as Dovecot's auth_cache): a second login with the same
// password for the same stored verifier needs no scrypt; a wrong password, a changed password, a deleted user,
// another user or an expired entry are checked (or refused) as before; the bound on entries holds; the cache
// keeps no password.
import { describe, expect, it, vi } from 'vitest';
import { Authenticator, type AttemptContext } from '../../../src/sasl/authenticator.js';
import { hashPassword } from '../../../src/sasl/passwords.js';
import { VerifiedCache } from '../../../src/sasl/verified-cache.js';
import type { UserWithCredentials } from '../../../src/store/types.js';
import { captureLogger, makeUser } from './fixtures.js';

const ctx: AttemptContext = { tls: true, peer: null, allowPlaintextWithoutTls: false, remoteAddress: '192.0.2.7', protocol: 'imap' };

describe('VerifiedCache', () => {
  it('answers only for the same user, verifier and password, within the time to live', () => {
    let now = 0;
    const cache = new VerifiedCache(10, 1000, () => now);
    cache.remember(1, 'scrypt$a', 'secret');
    expect(cache.has(1, 'scrypt$a', 'secret')).toBe(true);
    expect(cache.has(1, 'scrypt$a', 'Secret')).toBe(false);
    expect(cache.has(1, 'scrypt$b', 'secret')).toBe(false);
    expect(cache.has(2, 'scrypt$a', 'secret')).toBe(false);
    now = 999;
    expect(cache.has(1, 'scrypt$a', 'secret')).toBe(true);
    now = 1000;
    expect(cache.has(1, 'scrypt$a', 'secret')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('holds at most its bound, forgetting the oldest; 0 entries or 0 s keeps nothing', () => {
    const cache = new VerifiedCache(3, 60_000);
    for (let user = 1; user <= 5; user++) cache.remember(user, 'v', 'pw');
    expect(cache.size).toBe(3);
    expect(cache.has(1, 'v', 'pw')).toBe(false);
    expect(cache.has(5, 'v', 'pw')).toBe(true);
    for (const off of [new VerifiedCache(0, 60_000), new VerifiedCache(10, 0)]) {
      off.remember(1, 'v', 'pw');
      expect(off.has(1, 'v', 'pw')).toBe(false);
    }
  });

  it('keeps a keyed hash, never the password or the verifier', () => {
    const cache = new VerifiedCache(10, 60_000);
    cache.remember(7, 'scrypt$verifier', 'correct horse battery staple');
    const held = JSON.stringify([...(cache as unknown as { entries: Map<string, number> }).entries.keys()]);
    expect(held).not.toContain('correct horse');
    expect(held).not.toContain('verifier');
  });
});

describe('VerifiedCache.verify: checks of the same entry running at once', () => {
  function deferred() {
    let settle!: (good: boolean) => void;
    let fail!: (err: Error) => void;
    const promise = new Promise<boolean>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    return { promise, settle, fail };
  }

  it('share one check; a true answer is remembered, a false one is not', async () => {
    const cache = new VerifiedCache(10, 60_000);
    const right = deferred();
    let checks = 0;
    const check = () => {
      checks++;
      return right.promise;
    };
    const answers = Promise.all([1, 2, 3].map(() => cache.verify(1, 'v', 'pw', check)));
    right.settle(true);
    expect(await answers).toEqual([true, true, true]);
    expect(checks).toBe(1);
    expect(await cache.verify(1, 'v', 'pw', check)).toBe(true);
    expect(checks).toBe(1);

    const wrong = deferred();
    const wrongCheck = () => {
      checks++;
      return wrong.promise;
    };
    const refusals = Promise.all([1, 2].map(() => cache.verify(1, 'v', 'guess', wrongCheck)));
    wrong.settle(false);
    expect(await refusals).toEqual([false, false]);
    expect(checks).toBe(2);
    const again = deferred();
    const answer = cache.verify(1, 'v', 'guess', () => {
      checks++;
      return again.promise;
    });
    again.settle(false);
    expect(await answer).toBe(false);
    expect(checks).toBe(3); // a failure is checked again each time
  });

  it('a check that fails with an error fails its waiters, and the next attempt checks afresh', async () => {
    const cache = new VerifiedCache(10, 60_000);
    const broken = deferred();
    const waiting = [cache.verify(2, 'v', 'pw', () => broken.promise), cache.verify(2, 'v', 'pw', () => Promise.resolve(true))];
    broken.fail(new Error('store busy'));
    for (const w of waiting) await expect(w).rejects.toThrow('store busy');
    expect(await cache.verify(2, 'v', 'pw', () => Promise.resolve(true))).toBe(true);
  });
});

describe('Authenticator with remembered checks', () => {
  async function setup() {
    const users = new Map<string, UserWithCredentials>();
    const alice = await makeUser('alice@example.org', 'first-pw');
    users.set(alice.name, { ...alice });
    const auth = new Authenticator({
      lookup: async (name) => users.get(name) ?? null,
      logger: captureLogger(),
      failureDelayMs: 0,
      sleep: async () => undefined,
      verifiedCache: { entries: 100, ttlMs: 60_000 },
    });
    const hashes = vi.spyOn(auth.hashGate, 'run');
    const login = (pw: string) => auth.verifyLoginPassword('alice@example.org', pw, ctx);
    return { users, auth, hashes, login };
  }

  it('checks a password once; the same password again is answered without a hash', async () => {
    const { hashes, login } = await setup();
    expect((await login('first-pw')).kind).toBe('success');
    expect(hashes).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) expect((await login('first-pw')).kind).toBe('success');
    expect(hashes).toHaveBeenCalledTimes(1);
    expect((await login('wrong-pw')).kind).toBe('failure');
    expect(hashes).toHaveBeenCalledTimes(2);
  });

  it('a thousand logins of one user at once cost one hash', async () => {
    const { hashes, login } = await setup();
    const outcomes = await Promise.all(Array.from({ length: 1000 }, () => login('first-pw')));
    expect(outcomes.every((o) => o.kind === 'success')).toBe(true);
    expect(hashes).toHaveBeenCalledTimes(1);
  });

  it('a changed password: the old one fails at once, the new one is checked', async () => {
    const { users, login } = await setup();
    expect((await login('first-pw')).kind).toBe('success');
    const alice = users.get('alice@example.org')!;
    users.set(alice.name, { ...alice, credentials: await hashPassword('second-pw') });
    expect((await login('first-pw')).kind).toBe('failure');
    expect((await login('second-pw')).kind).toBe('success');
  });

  it('a deleted user is refused although the password was remembered', async () => {
    const { users, login } = await setup();
    expect((await login('first-pw')).kind).toBe('success');
    users.delete('alice@example.org');
    expect((await login('first-pw')).kind).toBe('failure');
  });
});
