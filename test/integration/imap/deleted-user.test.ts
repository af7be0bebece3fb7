// Issue 16 item 10: an account deleted under an open session when no admin socket ended it (the `postern`
// command could not reach the server): the first command the store answers "not found" ends the session with
// BYE [CONTACTADMIN] instead of serving on; nothing is created for the deleted user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ auth: PLAINTEXT_AUTH, listeners: 'listeners:\n  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }\n' });
});
afterAll(async () => {
  await t.stop();
});

describe('a deleted user with an open IMAP session', () => {
  it('is answered as before until a command finds the account gone; then BYE, and nothing is created for it', async () => {
    const id = await t.addUser('gone@example.org', 'pw');
    const c = await RawImap.open(t.port('imap'));
    expect((await c.cmd('LOGIN gone@example.org pw')).tagged).toMatch(/OK/);
    await t.server.store.deleteUser(id);
    // Nothing of the account is left to list, and NOOP asks nothing of it.
    expect((await c.cmd('LIST "" "*"')).tagged).toMatch(/OK/);
    expect((await c.cmd('NOOP')).tagged).toMatch(/OK/);
    const r = await c.cmd('CREATE Fresh');
    expect(r.untagged).toBe('* BYE [CONTACTADMIN] Account removed by the administrator\r\n');
    expect(r.tagged).toMatch(/^\S+ NO \[CONTACTADMIN\] Account removed$/);
    expect((await c.untilLine(() => false, 5000)).line).toBeNull(); // the server closed the connection
    expect(await t.server.store.listUsers()).toEqual([]);
    expect(t.logs.some((l) => l.msg === 'closed a session: its account was deleted')).toBe(true);
  });
});
