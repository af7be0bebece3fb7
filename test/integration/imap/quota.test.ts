// Issue 15 item 6, QUOTA (RFC 9208) over real sockets: QUOTA and QUOTA=RES-STORAGE advertised; GETQUOTAROOT and
// GETQUOTA give the user's one root with STORAGE (KiB) from the store's counters when the user has a limit, and
// no resources when not (§3.2); SETQUOTA is NO; APPEND over quota is NO [OVERQUOTA] and stores nothing (one
// message or several); STATUS (DELETED-STORAGE) (§4.2) is the size of the \Deleted messages; without TLS a user
// holding REQUIRETLS mail is not told the usage (SPEC R3.4). imapflow's getQuota reads it as a client would.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { commitRequireTlsNow } from '../../support/privacy-race.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function deliver(userId: number, mailbox: string, bodyBytes: number): Promise<void> {
  const head = 'Subject: q\r\n\r\n';
  await t.server.store.deliver({
    body: Buffer.from(head + 'x'.repeat(bodyBytes - head.length)),
    recipients: [{ userId, mailbox, prefix: Buffer.alloc(0) }],
    internalDate: new Date(),
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
}

async function user(quotaBytes: number | null, tls = false): Promise<{ id: number; name: string; c: RawImap }> {
  const name = `q${++users}@example.org`;
  const id = await t.addUser(name, 'pw', quotaBytes);
  const c = await RawImap.open(t.port('imap', tls ? 1 : 0), tls);
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { id, name, c };
}

const lit = (s: string): string => `{${s.length}+}\r\n${s}`;

describe('QUOTA (RFC 9208)', () => {
  it('advertises QUOTA and QUOTA=RES-STORAGE after login', async () => {
    const { c } = await user(null);
    const caps = (await c.cmd('CAPABILITY')).untagged;
    expect(caps).toMatch(/ QUOTA( |\r\n)/);
    expect(caps).toMatch(/ QUOTA=RES-STORAGE( |\r\n)/);
    c.close();
  });

  it('GETQUOTAROOT and GETQUOTA give STORAGE in KiB from the counters, over every mailbox of the user', async () => {
    const { id, c } = await user(10 * 1024 + 500);
    await deliver(id, 'INBOX', 3000);
    await deliver(id, 'Sent', 2000);
    const r = await c.cmd('GETQUOTAROOT INBOX');
    expect(r.tagged).toMatch(/ OK /);
    expect(r.untagged).toBe('* QUOTAROOT INBOX "User quota"\r\n* QUOTA "User quota" (STORAGE 5 10)\r\n'); // ceil(5000/1024), floor
    const q = await c.cmd('GETQUOTA "User quota"');
    expect(q.tagged).toMatch(/ OK /);
    expect(q.untagged).toBe('* QUOTA "User quota" (STORAGE 5 10)\r\n');
    expect((await c.cmd('GETQUOTA "other"')).tagged).toMatch(/ NO /);
    expect((await c.cmd('GETQUOTAROOT Missing')).tagged).toMatch(/ NO /);
    expect((await c.cmd('SETQUOTA "User quota" (STORAGE 100000)')).tagged).toMatch(/ NO /);
    expect((await c.cmd('SETQUOTA "User quota" (STORAGE x)')).tagged).toMatch(/ BAD /);
    expect((await c.cmd('GETQUOTA "User quota"')).untagged).toContain('(STORAGE 5 10)'); // unchanged
    c.close();
  });

  it('a user without a limit has the root and no resources', async () => {
    const { id, c } = await user(null);
    await deliver(id, 'INBOX', 3000);
    const r = await c.cmd('GETQUOTAROOT INBOX');
    expect(r.untagged).toBe('* QUOTAROOT INBOX "User quota"\r\n* QUOTA "User quota" ()\r\n');
    c.close();
  });

  it('APPEND over quota is NO [OVERQUOTA] and stores nothing, for one message or several', async () => {
    const { c } = await user(2000);
    const small = 'Subject: s\r\n\r\nsmall\r\n';
    const big = `Subject: b\r\n\r\n${'y'.repeat(1500)}\r\n`;
    expect((await c.cmd(`APPEND INBOX ${lit(small)}`)).tagged).toMatch(/ OK /);
    expect((await c.cmd(`APPEND INBOX ${lit(big)} ${lit(big)}`)).tagged).toMatch(/ NO \[OVERQUOTA\]/);
    expect((await c.cmd(`APPEND INBOX ${lit(big + big)}`)).tagged).toMatch(/ NO \[OVERQUOTA\]/);
    expect((await c.cmd('STATUS INBOX (MESSAGES SIZE)')).untagged).toBe(`* STATUS INBOX (MESSAGES 1 SIZE ${small.length})\r\n`);
    c.close();
  });

  it('STATUS (DELETED-STORAGE) is the size of the \\Deleted messages', async () => {
    const { id, c } = await user(null);
    await deliver(id, 'INBOX', 1000);
    await deliver(id, 'INBOX', 2000);
    await deliver(id, 'INBOX', 4000);
    expect((await c.cmd('STATUS INBOX (DELETED-STORAGE)')).untagged).toBe('* STATUS INBOX (DELETED-STORAGE 0)\r\n');
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    expect((await c.cmd('STORE 1,3 +FLAGS.SILENT (\\Deleted)')).tagged).toMatch(/ OK /);
    expect((await c.cmd('STATUS INBOX (DELETED DELETED-STORAGE)')).untagged).toBe('* STATUS INBOX (DELETED 2 DELETED-STORAGE 5000)\r\n');
    expect((await c.cmd('LIST "" INBOX RETURN (STATUS (DELETED-STORAGE))')).untagged).toContain('* STATUS INBOX (DELETED-STORAGE 5000)\r\n');
    c.close();
  });

  it('without TLS, a user holding REQUIRETLS mail is not told the usage (R3.4); with TLS they are', async () => {
    const { id, name, c } = await user(1_000_000);
    await commitRequireTlsNow(t, id, 'Archive', `QUOTA-${id}`);
    expect((await c.cmd('GETQUOTAROOT INBOX')).tagged).toMatch(/ NO \[PRIVACYREQUIRED\]/);
    const g = await c.cmd('GETQUOTA "User quota"');
    expect(g.tagged).toMatch(/ NO \[PRIVACYREQUIRED\]/);
    expect(g.untagged).toBe('');
    expect((await c.cmd('GETQUOTAROOT Archive')).tagged).toMatch(/ NO \[PRIVACYREQUIRED\]/);
    expect(c.received).not.toContain('* QUOTA');
    c.close();
    const s = await RawImap.open(t.port('imap', 1), true);
    expect((await s.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
    const r = await s.cmd('GETQUOTAROOT Archive');
    expect(r.tagged).toMatch(/ OK /);
    expect(r.untagged).toMatch(/^\* QUOTAROOT Archive "User quota"\r\n\* QUOTA "User quota" \(STORAGE 1 976\)\r\n$/);
    s.close();
  });

  it('imapflow reads the quota', async () => {
    const { id, name, c } = await user(100 * 1024);
    c.close();
    await deliver(id, 'INBOX', 3 * 1024);
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: t.port('imap', 1),
      secure: true,
      auth: { user: name, pass: 'pw' },
      tls: { rejectUnauthorized: false },
      logger: false,
    });
    await client.connect();
    try {
      const q = await client.getQuota('INBOX');
      expect(q).toMatchObject({ path: 'INBOX', quotaRoot: 'User quota', storage: { usage: 3 * 1024, limit: 100 * 1024 } });
    } finally {
      await client.logout();
    }
  });
});
