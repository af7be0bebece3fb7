// Issue 13 items 10 and 12 over real sockets: the personal name of `user@domain (Real Name)` in ENVELOPE,
// SEARCH FROM on an address written with comments inside (RFC 9051 §6.4.4, §7.5.2, as Dovecot 2.3), and
// BODYSTRUCTURE parameters with raw 8-bit values kept under their own name, the value sent as a literal.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;
const USER = 'envelope@example.org';
const PASS = 'pw-envelope';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS });
  await t.addUser(USER, PASS);
});
afterAll(() => t.stop());

const message = (headers: string[], body = 'text') => [...headers, '', body, ''].join('\r\n');

async function withClient<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: true, auth: { user: USER, pass: PASS }, tls: { rejectUnauthorized: false }, logger: false });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

describe('ENVELOPE and SEARCH FROM on addresses with comments (issue 13 item 10)', () => {
  it('gives the trailing comment as the personal name and matches the address without its comments', async () => {
    await withClient(async (c) => {
      await c.mailboxCreate('Addresses');
      await c.append('Addresses', message(['From: user@domain.test (Real Name)', 'To: someone@example.org', 'Subject: one']));
      await c.append('Addresses', message(['From: <user-from (comment)@ (comment) domain.org>', 'Subject: two']));
      await c.append('Addresses', message(['From: Group: a@x.test, "Q" <@route.test:b@y.test>;', 'Subject: three']));
      const lock = await c.getMailboxLock('Addresses');
      try {
        const one = await c.fetchOne('1', { envelope: true }, { uid: true });
        expect(one && one.envelope?.from).toEqual([{ name: 'Real Name', address: 'user@domain.test' }]);
        const two = await c.fetchOne('2', { envelope: true }, { uid: true });
        expect(two && two.envelope?.from).toEqual([{ name: '', address: 'user-from@domain.org' }]);
        const search = async (query: Record<string, unknown>) => (await c.search(query, { uid: true })) || [];
        expect(await search({ from: 'user-from@domain.org' })).toEqual([2]);
        expect(await search({ header: { from: 'user-from@domain.org' } })).toEqual([2]);
        expect(await search({ from: '(comment)' })).toEqual([2]);
        expect(await search({ from: 'Real Name <user@domain.test>' })).toEqual([1]);
        expect(await search({ from: 'b@y.test' })).toEqual([3]);
      } finally {
        lock.release();
      }
    });
    // Group syntax and routes as before, byte for byte.
    const raw = await RawImap.open(t.port('imap', 0), true);
    try {
      expect((await raw.cmd(`LOGIN ${USER} ${PASS}`)).tagged).toMatch(/OK/);
      expect((await raw.cmd('SELECT Addresses')).tagged).toMatch(/OK/);
      const reply = await raw.cmd('UID FETCH 3 ENVELOPE');
      expect(reply.untagged).toContain('((NIL NIL "Group" NIL)(NIL NIL "a" "x.test")("Q" "@route.test" "b" "y.test")(NIL NIL NIL NIL))');
    } finally {
      raw.close();
    }
  });
});
