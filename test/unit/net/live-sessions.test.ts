// Ending a user's sessions (issue 16 items 5, 7, 10): the farewell never waits long for a client that stopped
// reading, and a session that registers after `user disable` or `user delete` marked the account ends itself.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endIfAccountGone, FAREWELL_WAIT_MS, sayFarewell, type EndReason } from '../../../src/net/live-sessions.js';
import { StoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('sayFarewell', () => {
  it('closes after the farewell drains, or after FAREWELL_WAIT_MS when it never does', async () => {
    vi.useFakeTimers();
    let closed = 0;
    const close = async (): Promise<void> => {
      closed++;
    };
    await sayFarewell(async () => undefined, close);
    expect(closed).toBe(1);
    const stuck = sayFarewell(() => new Promise<void>(() => undefined), close); // a client that stopped reading
    await vi.advanceTimersByTimeAsync(FAREWELL_WAIT_MS - 1);
    expect(closed).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await stuck;
    expect(closed).toBe(2);
    await sayFarewell(() => Promise.reject(new Error('EPIPE')), close);
    expect(closed).toBe(3);
  });
});

describe('endIfAccountGone', () => {
  async function reasons(getUser: () => Promise<{ disabled: boolean }>): Promise<EndReason[]> {
    const ended: EndReason[] = [];
    const store = { getUser } as unknown as Pick<Store, 'getUser'>;
    await endIfAccountGone(store, 7, async (reason) => {
      ended.push(reason);
    });
    return ended;
  }

  it('ends a session whose account was disabled or removed while it logged in, and no other', async () => {
    expect(await reasons(async () => ({ disabled: true }))).toEqual(['disabled']);
    expect(await reasons(() => Promise.reject(new StoreError('not-found', 'no such user')))).toEqual(['deleted']);
    expect(await reasons(async () => ({ disabled: false }))).toEqual([]);
    expect(await reasons(() => Promise.reject(new Error('database is locked')))).toEqual([]);
  });
});
