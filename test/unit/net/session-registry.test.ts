// R10.5, R11.1: shutdown closes the sessions waiting for a command and leaves busy ones to finish; HTTP
// requests on a mail port are recognised.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/net/connection.js';
import { looksLikeHttp, SessionRegistry } from '../../../src/net/session-registry.js';

function fakeConn(): Connection & { written: string[]; closed: boolean; ended: string[] } {
  const c = {
    written: [] as string[],
    closed: false,
    ended: [] as string[],
    noteEnd(reason: string) {
      c.ended.push(reason);
    },
    async write(data: string) {
      c.written.push(data);
    },
    async close() {
      c.closed = true;
    },
  };
  return c as unknown as Connection & { written: string[]; closed: boolean; ended: string[] };
}

describe('SessionRegistry', () => {
  it('closes idle sessions with the farewell, not busy ones, and tells everyone it is shutting down', async () => {
    const reg = new SessionRegistry();
    const idle = fakeConn();
    const busy = fakeConn();
    const gone = fakeConn();
    const idleHooks = reg.enter(idle);
    const busyHooks = reg.enter(busy);
    reg.enter(gone);
    reg.leave(gone);
    busyHooks.phase('busy');
    idleHooks.phase('busy');
    idleHooks.phase('idle');
    expect(busyHooks.shuttingDown()).toBe(false);
    await reg.shutdown('421 bye\r\n');
    expect(idle.written).toEqual(['421 bye\r\n']);
    expect(idle.closed).toBe(true);
    expect(idle.ended).toEqual(['shutdown']); // the session-end line's reason (issue 16 item 8)
    expect(busy.written).toEqual([]);
    expect(busy.closed).toBe(false);
    expect(gone.written).toEqual([]);
    expect(busyHooks.shuttingDown()).toBe(true);
  });
});

describe('looksLikeHttp', () => {
  it('recognises request lines, not mail commands', () => {
    expect(looksLikeHttp('GET / HTTP/1.1')).toBe(true);
    expect(looksLikeHttp('post /x http/1.0')).toBe(true);
    expect(looksLikeHttp('GET /')).toBe(false);
    expect(looksLikeHttp('MAIL FROM:<a@b>')).toBe(false);
    expect(looksLikeHttp('USER get')).toBe(false);
  });
});
