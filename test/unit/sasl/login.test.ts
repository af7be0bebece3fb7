// SASL LOGIN (draft-murchison-sasl-login): Username:/Password: prompts, optional initial user name.
import { describe, it, expect } from 'vitest';
import { LoginExchange } from '../../../src/sasl/login.js';
import { depsOver, makeUser } from './fixtures.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('LoginExchange', () => {
  it('prompts for the user name then the password', async () => {
    const alice = await makeUser('alice@example.org', 's3cret');
    const ex = new LoginExchange(depsOver([alice]));
    expect(await ex.start(null)).toEqual({ kind: 'challenge', data: b('Username:') });
    expect(await ex.step(b('alice@example.org'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(ex.attemptedUser).toBe('alice@example.org');
    expect(await ex.step(b('s3cret'))).toEqual({ kind: 'success', identity: { userId: alice.id, user: 'alice@example.org' } });
    expect(await ex.step(b('more'))).toEqual({ kind: 'failure', reason: 'malformed' });
  });

  it('takes the user name as the initial response', async () => {
    const alice = await makeUser('alice@example.org', 's3cret');
    const ex = new LoginExchange(depsOver([alice]));
    expect(await ex.start(b('alice@example.org'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(await ex.step(b('wrong'))).toEqual({ kind: 'failure', reason: 'bad-credentials' });
  });

  it('answers an unknown user like a wrong password', async () => {
    const ex = new LoginExchange(depsOver([]));
    await ex.start(null);
    await ex.step(b('nobody'));
    expect(await ex.step(b('s3cret'))).toEqual({ kind: 'failure', reason: 'bad-credentials' });
  });

  it('refuses empty, non-UTF-8 and over-long fields', async () => {
    const empty = new LoginExchange(depsOver([]));
    await empty.start(null);
    expect(await empty.step(Buffer.alloc(0))).toEqual({ kind: 'failure', reason: 'malformed' });
    const binary = new LoginExchange(depsOver([]));
    await binary.start(b('bob'));
    expect(await binary.step(Buffer.from([0xc3, 0x28]))).toEqual({ kind: 'failure', reason: 'malformed' });
    const long = new LoginExchange(depsOver([]));
    expect(await long.start(Buffer.alloc(400, 0x61))).toEqual({ kind: 'failure', reason: 'malformed' });
    const ctl = new LoginExchange(depsOver([]));
    await ctl.start(b('bo\u0000b'));
    expect(await ctl.step(b('pw'))).toEqual({ kind: 'failure', reason: 'malformed' });
  });

  it('cancels', async () => {
    const ex = new LoginExchange(depsOver([]));
    await ex.start(null);
    expect(await ex.cancel()).toEqual({ kind: 'failure', reason: 'cancelled' });
    expect(await ex.step(b('x'))).toEqual({ kind: 'failure', reason: 'malformed' });
  });
});
