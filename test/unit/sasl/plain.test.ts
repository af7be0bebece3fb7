// SASL PLAIN (RFC 4616 §2, §4 examples): message parsing, credentials, authzid policy.
import { describe, it, expect } from 'vitest';
import { PlainExchange, parsePlainMessage } from '../../../src/sasl/plain.js';
import { depsOver, makeUser } from './fixtures.js';

const msg = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('parsePlainMessage', () => {
  it('parses the RFC 4616 §4 examples', () => {
    expect(parsePlainMessage(msg('\u0000tim\u0000tanstaaftanstaaf'))).toEqual({
      authzid: '',
      authcid: 'tim',
      password: 'tanstaaftanstaaf',
    });
    expect(parsePlainMessage(msg('Ursel\u0000Kurt\u0000xipj3plmq'))).toEqual({
      authzid: 'Ursel',
      authcid: 'Kurt',
      password: 'xipj3plmq',
    });
  });

  it('refuses malformed messages', () => {
    const bad = [
      '',
      'tim',
      'tim\u0000pw',
      '\u0000\u0000pw',
      '\u0000tim\u0000',
      '\u0000tim\u0000pw\u0000',
      'a\u0000b\u0000c\u0000d',
      `\u0000${'u'.repeat(321)}\u0000pw`,
      `\u0000tim\u0000${'p'.repeat(1025)}`,
    ];
    for (const b of bad) expect(parsePlainMessage(msg(b)), JSON.stringify(b.slice(0, 20))).toBeNull();
    expect(parsePlainMessage(Buffer.from([0, 0x74, 0, 0xff, 0xfe]))).toBeNull();
  });
});

describe('PlainExchange', () => {
  it('asks with an empty challenge without an initial response, then logs in', async () => {
    const tim = await makeUser('tim', 'tanstaaftanstaaf');
    const ex = new PlainExchange(depsOver([tim]));
    expect(await ex.start(null)).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    expect(await ex.step(msg('\u0000tim\u0000tanstaaftanstaaf'))).toEqual({
      kind: 'success',
      identity: { userId: tim.id, user: 'tim' },
    });
    expect(ex.attemptedUser).toBe('tim');
  });

  it('accepts an initial response and an authzid equal to the user', async () => {
    const tim = await makeUser('tim', 'tanstaaftanstaaf');
    const ex = new PlainExchange(depsOver([tim]));
    expect(await ex.start(msg('TIM\u0000tim\u0000tanstaaftanstaaf'))).toEqual({
      kind: 'success',
      identity: { userId: tim.id, user: 'tim', authzid: 'TIM' },
    });
  });

  it('gives the same answer for a wrong password and an unknown user', async () => {
    const tim = await makeUser('tim', 'tanstaaftanstaaf');
    const wrong = await new PlainExchange(depsOver([tim])).start(msg('\u0000tim\u0000nope'));
    const unknown = await new PlainExchange(depsOver([tim])).start(msg('\u0000tom\u0000tanstaaftanstaaf'));
    expect(wrong).toEqual({ kind: 'failure', reason: 'bad-credentials' });
    expect(unknown).toEqual(wrong);
  });

  it('refuses another authzid (RFC 4616 Ursel/Kurt) unless a policy allows it', async () => {
    const kurt = await makeUser('Kurt', 'xipj3plmq');
    const ursel = await makeUser('Ursel', 'other');
    const refused = await new PlainExchange(depsOver([kurt, ursel])).start(msg('Ursel\u0000Kurt\u0000xipj3plmq'));
    expect(refused).toEqual({ kind: 'failure', reason: 'not-permitted' });
    const policy = depsOver([kurt, ursel], { authorize: (authc, authz) => authc.name === 'Kurt' && authz === 'Ursel' });
    expect(await new PlainExchange(policy).start(msg('Ursel\u0000Kurt\u0000xipj3plmq'))).toEqual({
      kind: 'success',
      identity: { userId: ursel.id, user: 'Ursel', authzid: 'Ursel' },
    });
    // Credentials are checked before the authzid, so a wrong password still reads as bad credentials.
    expect(await new PlainExchange(policy).start(msg('Ursel\u0000Kurt\u0000wrong'))).toEqual({
      kind: 'failure',
      reason: 'bad-credentials',
    });
  });

  it('stops before the password check when admission refuses, and on store errors', async () => {
    const tim = await makeUser('tim', 'tanstaaftanstaaf');
    const limited = new PlainExchange(depsOver([tim], { admit: () => 'too-many' }));
    expect(await limited.start(msg('\u0000tim\u0000tanstaaftanstaaf'))).toEqual({ kind: 'failure', reason: 'too-many' });
    const broken = new PlainExchange(depsOver([], { lookup: () => Promise.reject(new Error('disk')) }));
    expect(await broken.start(msg('\u0000tim\u0000x'))).toEqual({ kind: 'failure', reason: 'temporary' });
  });

  it('is malformed after it finished, and cancels', async () => {
    const ex = new PlainExchange(depsOver([]));
    expect(await ex.start(msg('nonsense'))).toEqual({ kind: 'failure', reason: 'malformed' });
    expect(await ex.step(msg('\u0000a\u0000b'))).toEqual({ kind: 'failure', reason: 'malformed' });
    expect(await new PlainExchange(depsOver([])).cancel()).toEqual({ kind: 'failure', reason: 'cancelled' });
  });
});
