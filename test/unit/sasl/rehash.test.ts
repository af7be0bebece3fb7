// Stored verifiers renewed at login (issue 17 item 1, sasl/rehash.ts): credentials made at an older cost are made
// again once per account, never over a password changed meanwhile, and a failure is logged, not thrown.
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/sasl/passwords.js';
import { CredentialRenewal, type RehashOptions } from '../../../src/sasl/rehash.js';
import { deriveScramKeys } from '../../../src/sasl/scram-crypto.js';
import type { StoredCredentials, UserWithCredentials } from '../../../src/store/types.js';

const OLDER = { scramIterations: 4096, scrypt: { N: 32768, r: 8, p: 1 } };

async function userWith(credentials: StoredCredentials): Promise<UserWithCredentials> {
  return { id: 7, name: 'u@example.org', quotaBytes: null, createdAt: new Date(0), disabled: false, credentials };
}

function renewal(over: Partial<RehashOptions> = {}) {
  const replaced: Array<{ current: StoredCredentials; next: StoredCredentials }> = [];
  const renewed: StoredCredentials[] = [];
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  let hashes = 0;
  const r = new CredentialRenewal({
    scramIterations: 5000,
    replace: async (_id, current, next) => {
      replaced.push({ current, next });
      return true;
    },
    slot: (work) => {
      hashes += 1;
      return work();
    },
    renewed: (_id, next) => renewed.push(next),
    log: {
      info: (fields, msg) => lines.push({ level: 'info', fields, msg }),
      warn: (fields, msg) => lines.push({ level: 'warn', fields, msg }),
    },
    ...over,
  });
  return { r, replaced, renewed, lines, hashes: () => hashes };
}

describe('CredentialRenewal', () => {
  it('makes older credentials again at the current cost, with fresh salts, and they verify the same password', async () => {
    const user = await userWith(await hashPassword('s3cret', OLDER));
    const { r, replaced, renewed, lines } = renewal();
    expect(r.due(user)).toBe(true);
    r.afterSuccess(user, 's3cret');
    await r.settled();
    expect(replaced).toHaveLength(1);
    const next = replaced[0]!.next;
    expect(replaced[0]!.current).toBe(user.credentials);
    expect(next.scrypt).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(next.scramSha256.iterations).toBe(5000);
    expect(next.scramSha256.salt).not.toBe(user.credentials.scramSha256.salt);
    expect(await verifyPassword('s3cret', next.scrypt)).toBe(true);
    const keys = await deriveScramKeys('s3cret', Buffer.from(next.scramSha256.salt, 'base64'), 5000);
    expect(next.scramSha256.storedKey).toBe(keys.storedKey.toString('base64'));
    expect(renewed).toEqual([next]);
    expect(lines).toEqual([expect.objectContaining({ level: 'info', fields: expect.objectContaining({ was: 4096, scramIterations: 5000 }) })]);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('leaves credentials at the current cost alone', async () => {
    const user = await userWith(await hashPassword('s3cret', { scramIterations: 5000 }));
    const { r, replaced, hashes } = renewal();
    expect(r.due(user)).toBe(false);
    r.afterSuccess(user, 's3cret');
    await r.settled();
    expect(replaced).toHaveLength(0);
    expect(hashes()).toBe(0);
  });

  it('renews an account once while many of its logins succeed at the same time', async () => {
    const user = await userWith(await hashPassword('s3cret', OLDER));
    const { r, replaced, hashes } = renewal();
    for (let i = 0; i < 20; i++) r.afterSuccess(user, 's3cret');
    await r.settled();
    expect(hashes()).toBe(1);
    expect(replaced).toHaveLength(1);
  });

  it('tells nobody of credentials the store did not take (the password changed meanwhile)', async () => {
    const user = await userWith(await hashPassword('s3cret', OLDER));
    const { r, renewed, lines } = renewal({ replace: async () => false });
    r.afterSuccess(user, 's3cret');
    await r.settled();
    expect(renewed).toHaveLength(0);
    expect(lines).toHaveLength(0);
  });

  it('logs a store failure as a warning and never throws it at the login', async () => {
    const user = await userWith(await hashPassword('s3cret', OLDER));
    const { r, lines } = renewal({
      replace: async () => {
        throw new Error('database is locked');
      },
    });
    r.afterSuccess(user, 's3cret');
    await r.settled();
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ err: 'database is locked' }) })]);
  });
});
