// Issue 13 item 17 over real sockets: DELETE of a mailbox with inferiors removes it and its messages and leaves
// a \Noselect parent (RFC 3501 §6.3.4), as Dovecot does — listed \Noselect \HasChildren, not selectable, not
// deletable while it has inferiors, selectable again (new UIDVALIDITY) after CREATE, gone with its last inferior.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const MESSAGE = 'From: a@b.example\r\nSubject: hello\r\n\r\nbody\r\n';

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function login(): Promise<{ name: string; c: RawImap }> {
  const name = `dn${++users}@example.org`;
  await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap', 0));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { name, c };
}

async function ok(c: RawImap, command: string): Promise<string> {
  const r = await c.cmd(command);
  expect(r.tagged, command).toMatch(/ OK /);
  return r.untagged;
}

const lines = (untagged: string): string[] => untagged.split('\r\n').filter((l) => l !== '');
const list = async (c: RawImap, pattern: string): Promise<string[]> => lines(await ok(c, `LIST "" "${pattern}"`));
const uidValidity = (untagged: string): number => Number(/UIDVALIDITY (\d+)/.exec(untagged)?.[1]);

describe('DELETE of a mailbox with inferiors (RFC 3501 §6.3.4)', () => {
  it('removes the mailbox and its messages and leaves a \\Noselect parent that refuses SELECT, EXAMINE, STATUS, APPEND', async () => {
    const { c } = await login();
    await ok(c, 'CREATE Work/Reports');
    await ok(c, `APPEND Work {${MESSAGE.length}+}\r\n${MESSAGE}`);
    const before = uidValidity(await ok(c, 'STATUS Work (UIDVALIDITY)'));
    await ok(c, 'DELETE Work');
    expect(await list(c, 'Work*')).toEqual(['* LIST (\\Noselect \\HasChildren) "/" Work', '* LIST (\\HasNoChildren) "/" Work/Reports']);
    expect(lines(await ok(c, 'LIST "" "%"'))).toContain('* LIST (\\Noselect \\HasChildren) "/" Work');
    expect((await c.cmd('SELECT Work')).tagged).toMatch(/ NO /);
    expect((await c.cmd('EXAMINE Work')).tagged).toMatch(/ NO /);
    expect((await c.cmd('STATUS Work (MESSAGES)')).tagged).toMatch(/ NO /);
    expect((await c.cmd(`APPEND Work {${MESSAGE.length}+}\r\n${MESSAGE}`)).tagged).toMatch(/ NO \[TRYCREATE\]/);
    // LIST-STATUS (RFC 5819) gives a \Noselect name no STATUS.
    expect(lines(await ok(c, 'LIST "" "Work*" RETURN (STATUS (MESSAGES))'))).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" Work',
      '* LIST (\\HasNoChildren) "/" Work/Reports',
      '* STATUS Work/Reports (MESSAGES 0)',
    ]);
    // DELETE of the \Noselect name while it has inferiors is NO.
    expect((await c.cmd('DELETE Work')).tagged).toMatch(/ NO \[HASCHILDREN\]/);
    // CREATE makes it a new, empty, selectable mailbox with a fresh UIDVALIDITY.
    await ok(c, 'CREATE Work');
    const selected = await ok(c, 'SELECT Work');
    expect(selected).toMatch(/\* 0 EXISTS/);
    expect(uidValidity(selected)).toBeGreaterThan(before);
    expect(await list(c, 'Work')).toEqual(['* LIST (\\HasChildren) "/" Work']);
    c.close();
  });

  it('the \\Noselect parent goes with its last inferior, by DELETE or by RENAME away', async () => {
    const { c } = await login();
    await ok(c, 'CREATE X/Y/Z');
    await ok(c, 'DELETE X/Y');
    await ok(c, 'DELETE X');
    expect(await list(c, 'X*')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" X',
      '* LIST (\\Noselect \\HasChildren) "/" X/Y',
      '* LIST (\\HasNoChildren) "/" X/Y/Z',
    ]);
    await ok(c, 'DELETE X/Y/Z');
    expect(await list(c, 'X*')).toEqual([]);

    await ok(c, 'CREATE P/Q');
    await ok(c, 'DELETE P');
    await ok(c, 'RENAME P/Q Q');
    expect(await list(c, 'P*')).toEqual([]);
    expect(await list(c, 'Q')).toEqual(['* LIST (\\HasNoChildren) "/" Q']);
    // A \Noselect parent that keeps another inferior stays.
    await ok(c, 'CREATE R/S');
    await ok(c, 'CREATE R/T');
    await ok(c, 'DELETE R');
    await ok(c, 'DELETE R/S');
    expect(await list(c, 'R*')).toEqual(['* LIST (\\Noselect \\HasChildren) "/" R', '* LIST (\\HasNoChildren) "/" R/T']);
    c.close();
  });

  it('RENAME of a \\Noselect parent renames its subtree; CREATE below one leaves it \\Noselect', async () => {
    const { c } = await login();
    await ok(c, 'CREATE Old/Sub/Leaf');
    await ok(c, `APPEND Old/Sub/Leaf {${MESSAGE.length}+}\r\n${MESSAGE}`);
    await ok(c, 'DELETE Old');
    await ok(c, 'RENAME Old New');
    expect(await list(c, 'Old*')).toEqual([]);
    expect(await list(c, 'New*')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" New',
      '* LIST (\\HasChildren) "/" New/Sub',
      '* LIST (\\HasNoChildren) "/" New/Sub/Leaf',
    ]);
    expect(await ok(c, 'SELECT New/Sub/Leaf')).toMatch(/\* 1 EXISTS/);
    await ok(c, 'CLOSE');
    await ok(c, 'CREATE New/Other');
    expect(await list(c, 'New')).toEqual(['* LIST (\\Noselect \\HasChildren) "/" New']);
    // RENAME onto a \Noselect name is refused as onto any existing name.
    await ok(c, 'CREATE Elsewhere');
    expect((await c.cmd('RENAME Elsewhere New')).tagged).toMatch(/ NO \[ALREADYEXISTS\]/);
    c.close();
  });

  it('INBOX with inferiors is still never deleted', async () => {
    const { c } = await login();
    await ok(c, 'CREATE INBOX/Kept');
    expect((await c.cmd('DELETE INBOX')).tagged).toMatch(/ NO /);
    expect(await list(c, 'INBOX')).toEqual(['* LIST (\\HasChildren) "/" INBOX']);
    c.close();
  });

  it('a client (imapflow) sees the \\Noselect parent and can still reach its inferiors', async () => {
    const { name, c } = await login();
    await ok(c, 'CREATE Projects/2026');
    await ok(c, 'DELETE Projects');
    c.close();
    const flow = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: false, auth: { user: name, pass: 'pw' }, logger: false });
    await flow.connect();
    try {
      const boxes = await flow.list();
      const parent = boxes.find((b) => b.path === 'Projects');
      expect(parent?.flags.has('\\Noselect')).toBe(true);
      expect(boxes.find((b) => b.path === 'Projects/2026')?.flags.has('\\Noselect')).toBe(false);
      await expect(flow.mailboxOpen('Projects')).rejects.toThrow();
      const opened = await flow.mailboxOpen('Projects/2026');
      expect(opened.exists).toBe(0);
    } finally {
      await flow.logout();
    }
  });
});
