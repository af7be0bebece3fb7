// SASL EXTERNAL over a verified client certificate (RFC 4422 App. A, R5.4, seed 001 option 1).
import { describe, it, expect } from 'vitest';
import { ExternalExchange, certificateNames } from '../../../src/sasl/external.js';
import { depsOver, makeUser } from './fixtures.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('certificateNames', () => {
  it('uses SAN emails, or the CN when there is no email', () => {
    expect(certificateNames({ emails: ['a@x.org', 'b@x.org'], commonName: 'c@x.org' })).toEqual(['a@x.org', 'b@x.org']);
    expect(certificateNames({ emails: [], commonName: 'c@x.org' })).toEqual(['c@x.org']);
    expect(certificateNames({ emails: [], commonName: null })).toEqual([]);
  });
});

describe('ExternalExchange', () => {
  it('logs in the certificate user with an empty authzid (AUTH EXTERNAL =)', async () => {
    const alice = await makeUser('alice@example.org', 'pw');
    const ex = new ExternalExchange(depsOver([alice]), { emails: ['Alice@Example.org'], commonName: 'Alice' });
    expect(await ex.start(Buffer.alloc(0))).toEqual({ kind: 'success', identity: { userId: alice.id, user: 'alice@example.org' } });
  });

  it('sends an empty challenge without an initial response', async () => {
    const alice = await makeUser('alice@example.org', 'pw');
    const ex = new ExternalExchange(depsOver([alice]), { emails: ['alice@example.org'], commonName: null });
    expect(await ex.start(null)).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    expect((await ex.step(Buffer.alloc(0))).kind).toBe('success');
  });

  it('accepts an authzid naming the certificate user, refuses any other', async () => {
    const alice = await makeUser('alice@example.org', 'pw');
    const bob = await makeUser('bob@example.org', 'pw');
    const peer = { emails: ['alice@example.org'], commonName: null };
    const ok = await new ExternalExchange(depsOver([alice, bob]), peer).start(b('ALICE@example.org'));
    expect(ok).toEqual({ kind: 'success', identity: { userId: alice.id, user: 'alice@example.org', authzid: 'ALICE@example.org' } });
    const other = await new ExternalExchange(depsOver([alice, bob]), peer).start(b('bob@example.org'));
    expect(other).toEqual({ kind: 'failure', reason: 'not-permitted' });
  });

  it('uses the CN only when the certificate has no email', async () => {
    const alice = await makeUser('alice@example.org', 'pw');
    const cnOnly = { emails: [], commonName: 'alice@example.org' };
    expect((await new ExternalExchange(depsOver([alice]), cnOnly).start(Buffer.alloc(0))).kind).toBe('success');
    const withEmail = { emails: ['carol@example.org'], commonName: 'alice@example.org' };
    expect(await new ExternalExchange(depsOver([alice]), withEmail).start(Buffer.alloc(0))).toEqual({
      kind: 'failure',
      reason: 'not-permitted',
    });
  });

  it('refuses without a verified certificate, and when the named user does not exist', async () => {
    const alice = await makeUser('alice@example.org', 'pw');
    expect(await new ExternalExchange(depsOver([alice]), null).start(Buffer.alloc(0))).toEqual({
      kind: 'failure',
      reason: 'not-permitted',
    });
    expect(await new ExternalExchange(depsOver([alice]), null).start(b('alice@example.org'))).toEqual({
      kind: 'failure',
      reason: 'not-permitted',
    });
    const stranger = { emails: ['zed@example.org'], commonName: null };
    expect(await new ExternalExchange(depsOver([alice]), stranger).start(Buffer.alloc(0))).toEqual({
      kind: 'failure',
      reason: 'not-permitted',
    });
  });

  it('refuses a malformed authzid', async () => {
    const peer = { emails: ['alice@example.org'], commonName: null };
    expect(await new ExternalExchange(depsOver([]), peer).start(Buffer.from([0xff]))).toEqual({ kind: 'failure', reason: 'malformed' });
    expect(await new ExternalExchange(depsOver([]), peer).start(b('a\u0000b'))).toEqual({ kind: 'failure', reason: 'malformed' });
  });
});
