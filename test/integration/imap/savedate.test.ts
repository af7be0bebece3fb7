// Issue 15 item 6, SAVEDATE (RFC 8514) over real sockets: advertised after login; FETCH SAVEDATE is when the
// message was saved into this mailbox (APPEND, delivery, COPY, MOVE), not its INTERNALDATE; SEARCH SAVEDBEFORE /
// SAVEDON / SAVEDSINCE compare its day in the zone FETCH writes it in; SAVEDATESUPPORTED matches every message;
// a message another session expunged gets SAVEDATE NIL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { onPostgres, PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A save date long ago, given to a row directly: "saved" on 10-Mar-2021 in every zone. */
const LONG_AGO = Date.UTC(2021, 2, 10, 12);

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function login(): Promise<{ id: number; name: string; c: RawImap }> {
  const name = `sd${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { id, name, c };
}

/** The server's local day of an instant, as SEARCH takes it (the server runs in this process). */
function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()}-${MONTHS[d.getMonth()]}-${d.getFullYear()}`;
}

/** "dd-Mon-yyyy hh:mm:ss +zzzz" → ms. */
function parseDateTime(text: string): number {
  const m = /^"([ \d]\d)-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"$/.exec(text);
  expect(m, text).not.toBeNull();
  const [, day, mon, year, hh, mm, ss, sign, zh, zm] = m!;
  const utc = Date.UTC(Number(year), MONTHS.indexOf(mon!), Number(day), Number(hh), Number(mm), Number(ss));
  return utc - (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
}

async function uidSearch(c: RawImap, keys: string): Promise<string> {
  const r = await c.cmd(`UID SEARCH ${keys}`);
  expect(r.tagged, keys).toMatch(/ OK /);
  return r.untagged;
}

describe('SAVEDATE (RFC 8514)', () => {
  it('is advertised after login', async () => {
    const { c } = await login();
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/^\* CAPABILITY .* SAVEDATE( |\r\n)/m);
    c.close();
  });

  it('FETCH SAVEDATE is when the message was saved here; COPY and MOVE save the copy now; SEARCH SAVED* by its day', async () => {
    const { id, c } = await login();
    expect((await c.cmd('CREATE Kept')).tagged).toMatch(/ OK /);
    const msg = 'Subject: old\r\n\r\nold\r\n';
    for (let i = 0; i < 3; i++) {
      expect((await c.cmd(`APPEND INBOX "01-Jan-2020 00:00:00 +0000" {${msg.length}+}\r\n${msg}`)).tagged).toMatch(/ OK /);
    }
    const before = Date.now();
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const fetched = await c.cmd('UID FETCH 1:* (SAVEDATE INTERNALDATE)');
    const lines = fetched.untagged.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const m = /^\* \d+ FETCH \(UID \d+ SAVEDATE ("[^"]+") INTERNALDATE "01-Jan-2020 00:00:00 \+0000"\)$/.exec(line);
      expect(m, line).not.toBeNull();
      const saved = parseDateTime(m![1]!);
      expect(Math.abs(saved - before)).toBeLessThan(10 * 60_000); // today, not 2020
      expect(m![1]).toMatch(/ [+-]\d{4}"$/);
    }

    // UID 1 and 2 were saved long ago (as a store upgraded from an older Postern would have them).
    const mailbox = await t.server.store.getMailbox(id, 'INBOX');
    if (onPostgres) {
      await t.postgres().pool.query('UPDATE messages SET save_date = $1 WHERE mailbox_id = $2 AND uid IN (1, 2)', [LONG_AGO, mailbox.id]);
    } else t.sqlite().db.prepare('UPDATE messages SET save_date = ? WHERE mailbox_id = ? AND uid IN (1, 2)').run(LONG_AGO, mailbox.id);
    expect((await c.cmd('UID FETCH 1 SAVEDATE')).untagged).toMatch(/^\* 1 FETCH \(UID 1 SAVEDATE "\d\d-Mar-2021 \d\d:\d\d:\d\d [+-]\d{4}"\)\r\n$/);
    const today = localDay(Date.now());
    expect(await uidSearch(c, 'SAVEDON 10-Mar-2021')).toBe('* SEARCH 1 2\r\n');
    expect(await uidSearch(c, `SAVEDBEFORE ${today}`)).toBe('* SEARCH 1 2\r\n');
    expect(await uidSearch(c, `SAVEDSINCE ${today}`)).toBe('* SEARCH 3\r\n');
    expect(await uidSearch(c, `SAVEDON ${today}`)).toBe('* SEARCH 3\r\n');
    expect(await uidSearch(c, 'SAVEDSINCE 10-Mar-2021')).toBe('* SEARCH 1 2 3\r\n');
    expect(await uidSearch(c, 'SAVEDBEFORE 10-Mar-2021')).toBe('* SEARCH\r\n');
    expect(await uidSearch(c, `SINCE ${today}`)).toBe('* SEARCH\r\n'); // INTERNALDATE is 2020
    expect(await uidSearch(c, 'SAVEDATESUPPORTED')).toBe('* SEARCH 1 2 3\r\n');
    expect(await uidSearch(c, 'NOT SAVEDATESUPPORTED')).toBe('* SEARCH\r\n');
    expect(await uidSearch(c, 'OR SAVEDON 10-Mar-2021 UID 3')).toBe('* SEARCH 1 2 3\r\n');

    expect((await c.cmd('UID COPY 1 Kept')).tagged).toMatch(/ OK /);
    expect((await c.cmd('UID MOVE 2 Kept')).tagged).toMatch(/ OK /);
    expect(await uidSearch(c, 'SAVEDON 10-Mar-2021')).toBe('* SEARCH 1\r\n'); // the source of a COPY keeps its date
    expect((await c.cmd('SELECT Kept')).tagged).toMatch(/ OK /);
    expect(await uidSearch(c, `SAVEDON ${today}`)).toBe('* SEARCH 1 2\r\n'); // both saved into Kept today
    expect(await uidSearch(c, 'SAVEDBEFORE 1-Jan-2030 SAVEDSINCE 1-Jan-2022')).toBe('* SEARCH 1 2\r\n');
    c.close();
  });

  it('SAVEDATE and THREADID of a message another session expunged are NIL, EMAILID left out; malformed keys are BAD', async () => {
    const { name, c } = await login();
    const msg = 'Subject: x\r\n\r\nx\r\n';
    expect((await c.cmd(`APPEND INBOX {${msg.length}+}\r\n${msg}`)).tagged).toMatch(/ OK /);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const other = await RawImap.open(t.port('imap'));
    expect((await other.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
    expect((await other.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    expect((await other.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)')).tagged).toMatch(/ OK /);
    expect((await other.cmd('EXPUNGE')).tagged).toMatch(/ OK /);
    other.close();
    // RFC 8474 §7 has no NIL EMAILID: left out (the UID stands in when nothing else is asked).
    expect((await c.cmd('FETCH 1 EMAILID')).untagged).toContain('* 1 FETCH (UID 1)\r\n');
    const r = await c.cmd('FETCH 1 (SAVEDATE EMAILID THREADID)');
    expect(r.untagged).toContain('* 1 FETCH (SAVEDATE NIL THREADID NIL)\r\n');
    expect(r.tagged).toMatch(/ OK \[EXPUNGEISSUED\]/);
    for (const keys of ['SAVEDON', 'SAVEDON 32-Jan-2024', 'SAVEDSINCE yesterday', 'SAVEDATESUPPORTED 1-Jan-2024']) {
      expect((await c.cmd(`SEARCH ${keys}`)).tagged, keys).toMatch(/ BAD /);
    }
    c.close();
  });
});
