// R6.2: the shared exchange driver — "=" empty initial response, "*" cancels, bad base64 and unreadable
// lines are bad responses, and an exchange that never ends is cut off after a bounded number of rounds.
import { describe, expect, it } from 'vitest';
import { driveExchange, type SaslChannel } from '../../../src/sasl/drive.js';
import type { SaslExchange, SaslStep } from '../../../src/sasl/mechanism.js';

/** An exchange that records what it was given and challenges `rounds` times before succeeding. */
function fake(rounds: number): SaslExchange & { seen: Array<string | null>; cancelled: boolean } {
  let left = rounds;
  const ex = {
    mechanism: 'FAKE',
    attemptedUser: null,
    seen: [] as Array<string | null>,
    cancelled: false,
    async start(initial: Buffer | null): Promise<SaslStep> {
      ex.seen.push(initial === null ? null : initial.toString());
      return next();
    },
    async step(response: Buffer): Promise<SaslStep> {
      ex.seen.push(response.toString());
      return next();
    },
    async cancel(): Promise<SaslStep> {
      ex.cancelled = true;
      return { kind: 'failure', reason: 'cancelled' };
    },
  };
  const next = (): SaslStep => (left-- > 0 ? { kind: 'challenge', data: Buffer.from('more') } : { kind: 'success', identity: { userId: 1, user: 'u' } });
  return ex;
}

function channel(replies: Array<string | null>): SaslChannel & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async challenge(encoded) {
      sent.push(encoded);
      return replies.length > 0 ? (replies.shift() as string | null) : '';
    },
  };
}

describe('driveExchange', () => {
  it('passes "=" as an empty initial response and runs challenges to success', async () => {
    const ex = fake(1);
    const ch = channel([Buffer.from('answer').toString('base64')]);
    expect((await driveExchange(ex, '=', ch)).kind).toBe('success');
    expect(ex.seen).toEqual(['', 'answer']);
    expect(ch.sent).toEqual([Buffer.from('more').toString('base64')]);
  });

  it('no initial response starts with null', async () => {
    const ex = fake(0);
    await driveExchange(ex, null, channel([]));
    expect(ex.seen).toEqual([null]);
  });

  it('"*" cancels, at the start and in a round', async () => {
    expect(await driveExchange(fake(0), '*', channel([]))).toEqual({ kind: 'failure', reason: 'cancelled' });
    expect(await driveExchange(fake(2), null, channel(['*']))).toEqual({ kind: 'failure', reason: 'cancelled' });
  });

  it('bad base64 and unreadable lines are bad responses, and the exchange is cancelled', async () => {
    const a = fake(1);
    expect(await driveExchange(a, 'not base64!', channel([]))).toEqual({ kind: 'bad-response' });
    expect(a.cancelled).toBe(true);
    const b = fake(1);
    expect(await driveExchange(b, null, channel([null]))).toEqual({ kind: 'bad-response' });
    expect(b.cancelled).toBe(true);
  });

  it('cuts off an exchange that keeps challenging', async () => {
    const ex = fake(1000);
    const ch = channel(Array.from({ length: 100 }, () => 'AA=='));
    expect(await driveExchange(ex, null, ch)).toEqual({ kind: 'failure', reason: 'malformed' });
    expect(ch.sent.length).toBe(8);
    expect(ex.cancelled).toBe(true);
  });
});
