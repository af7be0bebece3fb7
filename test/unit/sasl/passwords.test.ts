// Password storage (R6.3): scrypt strings and SCRAM keys, SASLprep before hashing, strict parsing of stored strings.
import { describe, it, expect } from 'vitest';
import {
  decoyVerifyPassword,
  formatScrypt,
  hashPassword,
  needsRehash,
  parseScrypt,
  verifyPassword,
} from '../../../src/sasl/passwords.js';
import { deriveScramKeys } from '../../../src/sasl/scram-crypto.js';

describe('hashPassword', () => {
  it('produces an scrypt string with N=2^14 r=8 p=1, 16-byte salt, and SCRAM keys of 150,000 rounds, never the password', async () => {
    const creds = await hashPassword('correct horse');
    expect(creds.scrypt).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/=]{44}$/);
    expect(JSON.stringify(creds)).not.toContain('correct horse');
    expect(creds.scramSha256.iterations).toBe(150_000);
    expect(Buffer.from(creds.scramSha256.salt, 'base64')).toHaveLength(16);
    const keys = await deriveScramKeys('correct horse', Buffer.from(creds.scramSha256.salt, 'base64'), 150_000);
    expect(creds.scramSha256.storedKey).toBe(keys.storedKey.toString('base64'));
    expect(creds.scramSha256.serverKey).toBe(keys.serverKey.toString('base64'));
  });

  it('uses fresh salts each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a.scrypt).not.toBe(b.scrypt);
    expect(a.scramSha256.salt).not.toBe(b.scramSha256.salt);
  });

  it('honours the iteration count and refuses fewer than 4096', async () => {
    expect((await hashPassword('pw', { scramIterations: 5000 })).scramSha256.iterations).toBe(5000);
    await expect(hashPassword('pw', { scramIterations: 1000 })).rejects.toThrow(/4096/);
  });

  it('refuses passwords SASLprep prohibits, and empty ones', async () => {
    await expect(hashPassword('bell\u0007')).rejects.toThrow(/prohibited/);
    await expect(hashPassword('\u00ad')).rejects.toThrow(/empty/);
    await expect(hashPassword('x'.repeat(1025))).rejects.toThrow(/longer/);
  });
});

describe('needsRehash', () => {
  it('is true for credentials made at another scrypt cost or SCRAM count, false at the current ones', async () => {
    const current = await hashPassword('pw', { scramIterations: 5000 });
    expect(needsRehash(current, 5000)).toBe(false);
    expect(needsRehash(current, 150_000)).toBe(true); // auth.scramIterations changed since
    // What versions before issue 17 stored: scrypt N=2^15 beside SCRAM keys of 4,096 rounds.
    const older = await hashPassword('pw', { scramIterations: 4096, scrypt: { N: 32768, r: 8, p: 1 } });
    expect(older.scrypt).toMatch(/^scrypt\$32768\$/);
    expect(needsRehash(older, 4096)).toBe(true);
    expect(needsRehash({ ...older, scrypt: 'not an scrypt string' }, 4096)).toBe(false); // nothing to renew from
  });
});

describe('verifyPassword', () => {
  it('accepts the password and its SASLprep equivalents, refuses others', async () => {
    const creds = await hashPassword('I\u00adX caf\u00e9');
    expect(await verifyPassword('I\u00adX caf\u00e9', creds.scrypt)).toBe(true);
    expect(await verifyPassword('IX cafe\u0301', creds.scrypt)).toBe(true);
    expect(await verifyPassword('\u2168\u00a0caf\u00e9', creds.scrypt)).toBe(true);
    expect(await verifyPassword('IX cafe', creds.scrypt)).toBe(false);
    expect(await verifyPassword('', creds.scrypt)).toBe(false);
    expect(await verifyPassword('IX caf\u00e9\u0000', creds.scrypt)).toBe(false);
  });

  it('is false, not an exception, for malformed or too costly stored strings', async () => {
    const salt = Buffer.alloc(16, 1);
    const hash = Buffer.alloc(32, 2);
    for (const bad of [
      '',
      'scrypt$32768$8$1$abc$def',
      'bcrypt$32768$8$1$AAAA$AAAA',
      formatScrypt({ N: 3, r: 8, p: 1, salt, hash }),
      formatScrypt({ N: 2 ** 24, r: 8, p: 1, salt, hash }),
      formatScrypt({ N: 1024, r: 1000, p: 1, salt, hash }),
      `${formatScrypt({ N: 1024, r: 8, p: 1, salt, hash })}$extra`,
    ]) {
      expect(await verifyPassword('pw', bad), bad).toBe(false);
    }
    expect(parseScrypt(formatScrypt({ N: 1024, r: 8, p: 1, salt, hash }))).toEqual({ N: 1024, r: 8, p: 1, salt, hash });
  });

  it('the decoy does comparable work and always fails', async () => {
    expect(await decoyVerifyPassword('anything')).toBe(false);
  });
});
