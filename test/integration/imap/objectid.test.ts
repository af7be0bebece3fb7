// Issue 15 item 6, OBJECTID (RFC 8474) over real sockets: advertised after login; MAILBOXID in CREATE's tagged
// OK, SELECT/EXAMINE, STATUS and LIST-STATUS, the same after RENAME; FETCH EMAILID (kept by COPY and MOVE, new for
// APPEND) and THREADID NIL; SEARCH EMAILID / THREADID; malformed object ids are BAD; imapflow reads them.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const MAILBOX_ID = 'F[0-9a-f]{24}';
const EMAIL_ID = 'M[0-9a-f]{24}';

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function login(): Promise<{ name: string; c: RawImap }> {
  const name = `oid${++users}@example.org`;
  await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { name, c };
}

async function append(c: RawImap, box: string, subject: string): Promise<void> {
  const msg = `Subject: ${subject}\r\n\r\n${subject}\r\n`;
  expect((await c.cmd(`APPEND ${box} {${msg.length}+}\r\n${msg}`)).tagged).toMatch(/ OK /);
}

/** UID → EMAILID of the selected mailbox, from `UID FETCH 1:* (EMAILID THREADID)`. */
async function emailIds(c: RawImap): Promise<Map<number, string>> {
  const r = await c.cmd('UID FETCH 1:* (EMAILID THREADID)');
  expect(r.tagged).toMatch(/ OK /);
  const out = new Map<number, string>();
  for (const line of r.untagged.split('\r\n').filter((l) => l !== '')) {
    const m = new RegExp(`^\\* \\d+ FETCH \\(UID (\\d+) EMAILID \\((${EMAIL_ID})\\) THREADID NIL\\)$`).exec(line);
    expect(m, line).not.toBeNull();
    out.set(Number(m![1]), m![2]!);
  }
  return out;
}

async function uidSearch(c: RawImap, keys: string): Promise<string> {
  const r = await c.cmd(`UID SEARCH ${keys}`);
  expect(r.tagged).toMatch(/ OK /);
  return r.untagged;
}

describe('OBJECTID (RFC 8474)', () => {
  it('is advertised after login, not before', async () => {
    const c = await RawImap.open(t.port('imap'));
    expect((await c.cmd('CAPABILITY')).untagged).not.toMatch(/OBJECTID/);
    c.close();
    const { c: d } = await login();
    expect((await d.cmd('CAPABILITY')).untagged).toMatch(/^\* CAPABILITY .* OBJECTID( |\r\n)/m);
    d.close();
  });

  it('MAILBOXID: CREATE, SELECT, EXAMINE, STATUS and LIST-STATUS agree, and RENAME keeps it', async () => {
    const { c } = await login();
    const created = await c.cmd('CREATE Projects');
    const m = new RegExp(`^\\S+ OK \\[MAILBOXID \\((${MAILBOX_ID})\\)\\] CREATE completed$`).exec(created.tagged!);
    expect(m, created.tagged!).not.toBeNull();
    const id = m![1]!;
    const selected = await c.cmd('SELECT Projects');
    expect(selected.tagged).toMatch(/ OK \[READ-WRITE\]/);
    expect(selected.untagged).toContain(`\r\n* OK [MAILBOXID (${id})] Ok\r\n`);
    expect((await c.cmd('EXAMINE Projects')).untagged).toContain(`* OK [MAILBOXID (${id})] Ok\r\n`);
    expect((await c.cmd('STATUS Projects (MESSAGES MAILBOXID)')).untagged).toBe(`* STATUS Projects (MESSAGES 0 MAILBOXID (${id}))\r\n`);
    expect((await c.cmd('CLOSE')).tagged).toMatch(/ OK /);
    expect((await c.cmd('RENAME Projects Work/Projects')).tagged).toMatch(/ OK /);
    expect((await c.cmd('STATUS Work/Projects (MAILBOXID)')).untagged).toBe(`* STATUS Work/Projects (MAILBOXID (${id}))\r\n`);
    const listed = await c.cmd('LIST "" "Work/%" RETURN (STATUS (MAILBOXID UIDNEXT))');
    expect(listed.untagged).toContain(`* STATUS Work/Projects (MAILBOXID (${id}) UIDNEXT 1)\r\n`);
    const inbox = await c.cmd('STATUS INBOX (MAILBOXID)');
    expect(inbox.untagged).toMatch(new RegExp(`^\\* STATUS INBOX \\(MAILBOXID \\(${MAILBOX_ID}\\)\\)\\r\\n$`));
    expect(inbox.untagged).not.toContain(id);
    c.close();
  });

  it('EMAILID: new per APPEND, kept by COPY and MOVE; THREADID is NIL; SEARCH EMAILID / THREADID', async () => {
    const { c } = await login();
    expect((await c.cmd('CREATE Kept')).tagged).toMatch(/ OK /);
    for (const s of ['one', 'two', 'one']) await append(c, 'INBOX', s);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const inbox = await emailIds(c);
    expect(new Set(inbox.values()).size).toBe(3); // the same bytes appended twice are two messages
    expect((await c.cmd('UID COPY 1 Kept')).tagged).toMatch(/ OK /);
    expect((await c.cmd('UID MOVE 2 Kept')).tagged).toMatch(/ OK /);
    expect(await uidSearch(c, `EMAILID ${inbox.get(1)!}`)).toBe('* SEARCH 1\r\n');
    expect(await uidSearch(c, `EMAILID ${inbox.get(2)!}`)).toBe('* SEARCH\r\n'); // moved away
    expect(await uidSearch(c, `OR EMAILID ${inbox.get(3)!} EMAILID ${inbox.get(1)!}`)).toBe('* SEARCH 1 3\r\n');
    expect(await uidSearch(c, `NOT EMAILID ${inbox.get(1)!}`)).toBe('* SEARCH 3\r\n');
    expect(await uidSearch(c, `EMAILID ${inbox.get(1)!.toUpperCase()}`)).toBe('* SEARCH\r\n'); // ids are case-sensitive
    expect(await uidSearch(c, 'THREADID T1')).toBe('* SEARCH\r\n');
    expect(await uidSearch(c, 'NOT THREADID T1')).toBe('* SEARCH 1 3\r\n');
    expect((await c.cmd('SELECT Kept')).tagged).toMatch(/ OK /);
    expect([...(await emailIds(c)).values()]).toEqual([inbox.get(1), inbox.get(2)]);
    c.close();
  });

  it('a malformed objectid is BAD', async () => {
    const { c } = await login();
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    for (const keys of ['EMAILID', 'EMAILID ""', 'EMAILID a.b', 'THREADID (x)', `EMAILID ${'a'.repeat(256)}`]) {
      expect((await c.cmd(`SEARCH ${keys}`)).tagged, keys).toMatch(/ BAD /);
    }
    expect(await uidSearch(c, `EMAILID ${'a'.repeat(255)}`)).toBe('* SEARCH\r\n');
    expect((await c.cmd('STATUS INBOX (MAILBOXID MAILBOXIDS)')).tagged).toMatch(/ BAD /);
    c.close();
  });
});

describe('OBJECTID with imapflow', () => {
  it('reads mailboxId on CREATE and open, emailId and threadId in fetch, and searches by emailId', async () => {
    const { name, c } = await login();
    await append(c, 'INBOX', 'flow');
    c.close();
    const client = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user: name, pass: 'pw' }, logger: false });
    await client.connect();
    try {
      const created = await client.mailboxCreate('Flow');
      expect(created.mailboxId).toMatch(new RegExp(`^${MAILBOX_ID}$`));
      const opened = await client.mailboxOpen('Flow');
      expect(opened.mailboxId).toBe(created.mailboxId);
      const inbox = await client.mailboxOpen('INBOX');
      expect(inbox.mailboxId).toMatch(new RegExp(`^${MAILBOX_ID}$`));
      expect(inbox.mailboxId).not.toBe(created.mailboxId);
      const msg = await client.fetchOne('1', { uid: true, threadId: true });
      expect(msg && msg.emailId).toMatch(new RegExp(`^${EMAIL_ID}$`));
      expect(msg && msg.threadId).toBeUndefined(); // THREADID NIL
      expect(await client.search({ emailId: msg ? msg.emailId : 'x' }, { uid: true })).toEqual([msg ? msg.uid : -1]);
      await client.messageCopy('1', 'Flow');
      await client.mailboxOpen('Flow');
      expect((await client.fetchOne('1', { uid: true }))).toMatchObject({ emailId: msg ? msg.emailId : 'x' });
    } finally {
      await client.logout();
    }
  });
});
