// SCRAM-SHA-256 server (RFC 5802, RFC 7677 §3 example as a test vector), with the test client helper.
import { describe, it, expect } from 'vitest';
import { deriveScramKeys } from '../../../src/sasl/scram-crypto.js';
import { ScramSha256Exchange } from '../../../src/sasl/scram-sha-256.js';
import type { MechanismDeps } from '../../../src/sasl/mechanism.js';
import type { UserWithCredentials } from '../../../src/store/types.js';
import { depsOver, makeUser } from './fixtures.js';
import { ScramClient } from './scram-client.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');
const RFC_SALT = 'W22ZaJ0SNY7soEsUEjb6gQ==';
const RFC_SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';

async function rfcUser(): Promise<UserWithCredentials> {
  const keys = await deriveScramKeys('pencil', Buffer.from(RFC_SALT, 'base64'), 4096);
  return {
    id: 7,
    name: 'user',
    quotaBytes: null,
    createdAt: new Date(0),
    disabled: false,
    credentials: {
      scrypt: 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      scramSha256: { salt: RFC_SALT, iterations: 4096, storedKey: keys.storedKey.toString('base64'), serverKey: keys.serverKey.toString('base64') },
    },
  };
}

const exchange = (deps: MechanismDeps, nonce = RFC_SERVER_NONCE) =>
  new ScramSha256Exchange(deps, { decoyIterations: 4096, serverNonce: () => nonce });

describe('SCRAM-SHA-256, RFC 7677 §3 example', () => {
  it('reproduces the exchange byte for byte', async () => {
    const ex = exchange(depsOver([await rfcUser()]));
    expect(await ex.start(null)).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    expect(await ex.step(b('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'))).toEqual({
      kind: 'challenge',
      data: b(`r=rOprNGfwEbeRWgbNEkqO${RFC_SERVER_NONCE},s=${RFC_SALT},i=4096`),
    });
    const final = `c=biws,r=rOprNGfwEbeRWgbNEkqO${RFC_SERVER_NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`;
    expect(await ex.step(b(final))).toEqual({ kind: 'challenge', data: b('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=') });
    expect(await ex.step(Buffer.alloc(0))).toEqual({ kind: 'success', identity: { userId: 7, user: 'user' } });
  });

  it('the test client produces the RFC client messages', async () => {
    const client = new ScramClient('user', 'pencil', { nonce: 'rOprNGfwEbeRWgbNEkqO' });
    expect(client.first().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await client.final(b(`r=rOprNGfwEbeRWgbNEkqO${RFC_SERVER_NONCE},s=${RFC_SALT},i=4096`));
    expect(final.toString()).toBe(`c=biws,r=rOprNGfwEbeRWgbNEkqO${RFC_SERVER_NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`);
    expect(client.verifyServerFinal(b('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBe(true);
    expect(client.verifyServerFinal(b('v=AAAA'))).toBe(false);
  });
});

/** Runs a whole exchange with the test client; returns the last step. */
async function runClient(ex: ScramSha256Exchange, client: ScramClient) {
  const first = await ex.start(client.first());
  if (first.kind !== 'challenge') return first;
  const last = await ex.step(await client.final(first.data));
  if (last.kind !== 'challenge') return last;
  expect(client.verifyServerFinal(last.data)).toBe(true);
  return ex.step(Buffer.alloc(0));
}

describe('ScramSha256Exchange', () => {
  it('logs in with hashPassword credentials, names with "=" and ","', async () => {
    const user = await makeUser('we,ird=name', 'p\u00e4ss word');
    const step = await runClient(exchange(depsOver([user]), 'srvnonce'), new ScramClient('we,ird=name', 'pa\u0308ss\u00a0word'));
    expect(step).toEqual({ kind: 'success', identity: { userId: user.id, user: 'we,ird=name' } });
  });

  it('handles an authzid: same user accepted, another refused after the proof', async () => {
    const user = await makeUser('carol', 'pw');
    const same = await runClient(exchange(depsOver([user])), new ScramClient('carol', 'pw', { authzid: 'Carol' }));
    expect(same).toEqual({ kind: 'success', identity: { userId: user.id, user: 'carol', authzid: 'Carol' } });
    const other = await runClient(exchange(depsOver([user])), new ScramClient('carol', 'pw', { authzid: 'dave' }));
    expect(other).toEqual({ kind: 'failure', reason: 'not-permitted' });
  });

  it('accepts the "y" flag (we offer no channel binding)', async () => {
    const user = await makeUser('carol', 'pw');
    expect((await runClient(exchange(depsOver([user])), new ScramClient('carol', 'pw', { cbindFlag: 'y' }))).kind).toBe('success');
  });

  it('fails a wrong password and an unknown user alike, after a plausible server-first', async () => {
    const user = await makeUser('carol', 'pw');
    const wrong = await runClient(exchange(depsOver([user])), new ScramClient('carol', 'nope'));
    const unknown = await runClient(exchange(depsOver([user])), new ScramClient('nobody', 'pw'));
    expect(wrong).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    expect(unknown).toEqual(wrong);
  });

  it('gives an unknown user a stable, well-formed salt and the decoy iteration count', async () => {
    const first = async (name: string) => {
      const ex = new ScramSha256Exchange(depsOver([]), { decoyIterations: 8192, serverNonce: () => 'S' });
      const step = await ex.start(b(`n,,n=${name},r=abc`));
      return step.kind === 'challenge' ? step.data.toString() : '';
    };
    const a1 = await first('ghost');
    expect(a1).toMatch(/^r=abcS,s=[A-Za-z0-9+/]{22}==,i=8192$/);
    expect(await first('ghost')).toBe(a1);
    expect(await first('other-ghost')).not.toBe(a1);
  });

  it('refuses channel binding "p=", "m=" extensions and a tampered nonce or binding', async () => {
    const user = await makeUser('carol', 'pw');
    const deps = depsOver([user]);
    expect(await exchange(deps).start(b('p=tls-unique,,n=carol,r=abc'))).toEqual({ kind: 'failure', reason: 'not-permitted' });
    expect(await exchange(deps).start(b('n,,m=ext,n=carol,r=abc'))).toEqual({ kind: 'failure', reason: 'not-permitted' });

    const client = new ScramClient('carol', 'pw', { nonce: 'abc' });
    const ex = exchange(deps, 'XYZ');
    const sf = await ex.start(client.first());
    if (sf.kind !== 'challenge') throw new Error('expected a challenge');
    const final = (await client.final(sf.data)).toString();
    expect(await ex.step(b(final.replace('r=abcXYZ', 'r=abcXYQ')))).toEqual({ kind: 'failure', reason: 'malformed' });

    const ex2 = exchange(deps, 'XYZ');
    await ex2.start(client.first());
    expect(await ex2.step(b(final.replace('c=biws', 'c=eSws')))).toEqual({ kind: 'failure', reason: 'malformed' });
  });

  it('requires an empty acknowledgement of server-final', async () => {
    const user = await makeUser('carol', 'pw');
    const client = new ScramClient('carol', 'pw');
    const ex = exchange(depsOver([user]));
    const sf = await ex.start(client.first());
    if (sf.kind !== 'challenge') throw new Error('expected a challenge');
    expect((await ex.step(await client.final(sf.data))).kind).toBe('challenge');
    expect(await ex.step(b('x'))).toEqual({ kind: 'failure', reason: 'malformed' });
  });

  it('stops at admission and reports store errors as temporary', async () => {
    const refused = exchange(depsOver([], { admit: () => 'too-many' }));
    expect(await refused.start(b('n,,n=carol,r=abc'))).toEqual({ kind: 'failure', reason: 'too-many' });
    expect(refused.attemptedUser).toBe('carol');
    const broken = exchange(depsOver([], { lookup: () => Promise.reject(new Error('db')) }));
    expect(await broken.start(b('n,,n=carol,r=abc'))).toEqual({ kind: 'failure', reason: 'temporary' });
  });

  it('reports a corrupt stored record as temporary', async () => {
    const user = await makeUser('carol', 'pw');
    const corrupt = { ...user, credentials: { ...user.credentials, scramSha256: { ...user.credentials.scramSha256, storedKey: 'AAAA' } } };
    expect(await exchange(depsOver([corrupt])).start(b('n,,n=carol,r=abc'))).toEqual({ kind: 'failure', reason: 'temporary' });
  });
});
