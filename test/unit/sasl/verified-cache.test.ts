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
