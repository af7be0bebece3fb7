// SORT, ESORT and THREAD over raw sockets (RFC 5256 §3-§4, RFC 5957 DISPLAYFROM, RFC 5267 §3 ESORT; issue 15
// item 4; SPEC R3.4): messages whose subjects exercise the base-subject rules (Re:, Fwd:, [fwd: …], [list]
// blobs, a trailing (fwd)), equal keys (ordered by sequence number), a missing Date (INTERNALDATE instead),
// threads whose parent is missing; search keys inside SORT/THREAD; UID forms; errors; PRIVACYREQUIRED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { commitRequireTlsNow } from '../../support/privacy-race.js';
import { onPostgres, PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

/** [INTERNALDATE, header]: sequence numbers 1-7 once the first message is expunged (UIDs 2-8). */
const MESSAGES: Array<[string, string]> = [
  ['10-Jan-2024 00:00:00 +0000', 'From: Zed <zed@x.test>\r\nSubject: Re: Hello\r\nDate: Wed, 03 Jan 2024 10:00:00 +0000\r\nMessage-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\n'],
  ['10-Jan-2024 00:00:00 +0000', 'From: amy@x.test\r\nSubject: Hello\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <a@x>\r\n'],
  ['02-Jan-2024 12:00:00 +0000', 'From: Bob <bob@x.test>\r\nSubject: [list] Fwd: hello (fwd)\r\nMessage-ID: <c@x>\r\nReferences: <a@x> <b@x>\r\n'],
  ['10-Jan-2024 00:00:00 +0000', 'From: carl@x.test\r\nSubject: [fwd: Other]\r\nDate: Fri, 05 Jan 2024 10:00:00 +0000\r\nMessage-ID: <d@x>\r\nReferences: <missing@x>\r\n'],
  ['10-Jan-2024 00:00:00 +0000', 'From: Carl <carl@x.test>\r\nSubject: Other\r\nDate: Thu, 04 Jan 2024 10:00:00 +0000\r\nMessage-ID: <e@x>\r\nReferences: <missing@x>\r\n'],
  ['10-Jan-2024 00:00:00 +0000', 'From: amy@x.test\r\nSubject: Zebra (fwd)\r\nDate: Mon, 01 Jan 2024 11:00:00 +0100\r\n'],
  ['10-Jan-2024 00:00:00 +0000', 'From: Dora <dora@x.test>\r\nSubject: Re: Zebra\r\nDate: Sat, 06 Jan 2024 09:00:00 +0100\r\n'],
];

let t: TestServer;
let c: RawImap;
let userId: number;

async function append(c: RawImap, mailbox: string, date: string, header: string): Promise<void> {
  const octets = Buffer.from(`${header}\r\nbody\r\n`);
  const tag = c.nextTag();
  c.write(Buffer.concat([Buffer.from(`${tag} APPEND ${mailbox} "${date}" {${octets.length}+}\r\n`), octets, Buffer.from('\r\n')]));
  expect((await c.reply(tag)).tagged).toMatch(/ OK /);
}

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  userId = await t.addUser('sort@example.org', 'pw-sort');
  c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN sort@example.org pw-sort')).tagged).toMatch(/OK/);
  await append(c, 'INBOX', '01-Jan-2020 00:00:00 +0000', 'Subject: gone');
  expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
  expect((await c.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)')).tagged).toMatch(/OK/);
  expect((await c.cmd('EXPUNGE')).tagged).toMatch(/OK/);
  for (const [date, header] of MESSAGES) await append(c, 'INBOX', date, header);
  expect((await c.cmd('SELECT INBOX')).untagged).toContain('* 7 EXISTS');
}, 60_000);
afterAll(async () => {
  c?.close();
  await t.stop();
});

/** The untagged line starting with `prefix` (without CRLF), and the tagged status. */
async function run(command: string, prefix: string): Promise<{ line: string | null; tagged: string }> {
  const r = await c.cmd(command);
  const line = r.untagged.split('\r\n').find((l) => l.startsWith(prefix)) ?? null;
  return { line, tagged: r.tagged!.replace(/^\S+ /, '') };
}

describe('SORT (RFC 5256 §3)', () => {
  it('is advertised with SORT=DISPLAY, ESORT and both THREAD algorithms', async () => {
    const caps = (await run('CAPABILITY', '* CAPABILITY')).line!.split(' ');
    expect(caps).toEqual(expect.arrayContaining(['SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES']));
  });

  it.each([
    ['(DATE)', '2 6 3 1 5 4 7'], // equal sent instants (2 and 6) by sequence number; 3 has no Date: its INTERNALDATE
    ['(REVERSE DATE)', '7 4 5 1 3 2 6'], // REVERSE flips the key, not the sequence-number tie-break
    ['(ARRIVAL)', '3 1 2 4 5 6 7'],
    ['(SUBJECT DATE)', '2 3 1 5 4 6 7'], // Re:, [list] Fwd: … (fwd), [fwd: …] reduce to the base subject
    ['(REVERSE SUBJECT)', '6 7 4 5 1 2 3'],
    ['(FROM)', '2 6 3 4 5 7 1'], // the first address's mailbox
    ['(DISPLAYFROM)', '2 6 3 5 4 7 1'], // RFC 5957: display name, else the addr-spec
    ['(TO SIZE)', '6 7 2 3 1 4 5'], // no To: equal keys; then size (4 and 5 equal: by sequence number)
  ])('SORT %s', async (criteria, expected) => {
    expect(await run(`SORT ${criteria} UTF-8 ALL`, '* SORT')).toEqual({ line: `* SORT ${expected}`, tagged: expect.stringMatching(/^OK/) });
  });

  it('search keys select as SEARCH does; UID SORT answers UIDs', async () => {
    expect((await run('SORT (DATE) UTF-8 FROM carl', '* SORT')).line).toBe('* SORT 5 4');
    expect((await run('SORT (DATE) US-ASCII OR SUBJECT zebra SENTSINCE 5-Jan-2024', '* SORT')).line).toBe('* SORT 6 4 7');
    expect((await run('UID SORT (REVERSE DATE) UTF-8 ALL', '* SORT')).line).toBe('* SORT 8 5 6 2 4 3 7');
    expect((await run('SORT (DATE) UTF-8 SUBJECT nothing-like-this', '* SORT')).line).toBe('* SORT');
  });

  it('ESORT: RETURN (MIN MAX ALL COUNT) as ESEARCH in sort order (RFC 5267 §3)', async () => {
    const r = await c.cmd('UID SORT RETURN (MIN MAX ALL COUNT) (DATE) UTF-8 ALL');
    expect(r.tagged).toMatch(/ OK /);
    expect(r.untagged).toMatch(/^\* ESEARCH \(TAG "[^"]+"\) UID MIN 3 MAX 8 ALL 3,7,4,2,6,5,8 COUNT 7\r\n$/);
    expect((await run('SORT RETURN (COUNT) (DATE) UTF-8 SUBJECT none', '* ESEARCH')).line).toMatch(/\) COUNT 0$/);
    expect((await run('SORT RETURN () (SUBJECT) UTF-8 ALL', '* ESEARCH')).line).toMatch(/\) ALL 1:7$/);
  });

  it('errors: unknown charset NO [BADCHARSET]; bad criteria or algorithm BAD; the session goes on', async () => {
    expect((await run('SORT (DATE) X-NO-SUCH ALL', '*')).tagged).toMatch(/^NO \[BADCHARSET/);
    expect((await run('SORT (BOGUS) UTF-8 ALL', '*')).tagged).toMatch(/^BAD/);
    expect((await run('SORT () UTF-8 ALL', '*')).tagged).toMatch(/^BAD/);
    expect((await run('SORT (DATE) UTF-8', '*')).tagged).toMatch(/^BAD/);
    expect((await run('SORT (REVERSE) UTF-8 ALL', '*')).tagged).toMatch(/^BAD/);
    expect((await run('SORT RETURN (SAVE) (DATE) UTF-8 ALL', '*')).tagged).toMatch(/^BAD/);
    expect((await run('THREAD FOO UTF-8 ALL', '*')).tagged).toMatch(/^BAD/);
    expect((await run('NOOP', '*')).tagged).toMatch(/^OK/);
  });
});

describe('THREAD (RFC 5256 §3)', () => {
  it('ORDEREDSUBJECT: by base subject, each group under its earliest, groups by that date', async () => {
    expect((await run('THREAD ORDEREDSUBJECT UTF-8 ALL', '* THREAD')).line).toBe('* THREAD (2 (3)(1))(6 7)(5 4)');
  });

  it('REFERENCES: parents from References/In-Reply-To, a missing parent a dummy, both-replies subjects siblings', async () => {
    expect((await run('THREAD REFERENCES UTF-8 ALL', '* THREAD')).line).toBe('* THREAD (2 1 3)((6)(7))((5)(4))');
    expect((await run('UID THREAD REFERENCES UTF-8 ALL', '* THREAD')).line).toBe('* THREAD (3 2 4)((7)(8))((6)(5))');
    expect((await run('THREAD REFERENCES UTF-8 FROM nobody', '* THREAD')).line).toBe('* THREAD');
  });
});

describe('many messages, keys not yet kept (a store from before migrations/0014)', () => {
  it('SORT and THREAD over more messages than one slice of keys compute, keep and order them all', async () => {
    const n = 1_050;
    const id = await t.addUser('many@example.org', 'pw-many');
    for (let i = 0; i < n; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 50); j++) {
        const body = Buffer.from(`Subject: ${j % 2 === 0 ? 'Re: ' : ''}topic ${j % 7}\r\nDate: ${new Date(Date.UTC(2024, 0, 1) + (n - j) * 60_000).toUTCString()}\r\n\r\nx\r\n`);
        batch.push(t.server.store.deliver({ body, recipients: [{ userId: id, prefix: Buffer.alloc(0) }], internalDate: new Date(Date.UTC(2024, 0, 1) + j * 1000), requireTls: false, tlsRequiredNo: false, forgedFields: 0 }));
      }
      await Promise.all(batch);
    }
    const forget = 'DELETE FROM body_sort_keys WHERE body_id IN (SELECT m.body_id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.user_id = ';
    if (onPostgres) await t.postgres().pool.query(`${forget}$1)`, [id]);
    else t.sqlite().db.exec(forget + String(id) + ')');
    const s = await RawImap.open(t.port('imap'));
    expect((await s.cmd('LOGIN many@example.org pw-many')).tagged).toMatch(/OK/);
    expect((await s.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
    // The Date: runs backwards from the arrival. Deliveries made at once take UIDs in commit order: on PostgreSQL
    // that is not the order they were called in, so the expected order comes from the stored arrival times.
    const inbox = await t.server.store.getMailbox(id, 'INBOX');
    const byArrival = (await t.server.store.listMessages(id, inbox.id)).sort((a, b) => b.internalDate.getTime() - a.internalDate.getTime());
    const sorted = await s.cmd('SORT (DATE) UTF-8 ALL');
    expect(sorted.untagged).toBe(`* SORT ${byArrival.map((m) => m.uid).join(' ')}\r\n`);
    const threads = (await s.cmd('THREAD ORDEREDSUBJECT UTF-8 ALL')).untagged;
    expect(threads.match(/\(/g)?.length).toBe(n); // 7 threads of 150: `(first (a)(b)…)` opens one per message
    s.close();
  }, 120_000);
});

describe('PRIVACYREQUIRED (R3.4)', () => {
  it('a cleartext SORT or THREAD of a mailbox that holds REQUIRETLS mail is refused and reveals nothing', async () => {
    const s = await RawImap.open(t.port('imap'));
    expect((await s.cmd('LOGIN sort@example.org pw-sort')).tagged).toMatch(/OK/);
    expect((await s.cmd('CREATE Private')).tagged).toMatch(/OK/);
    await append(s, 'Private', '01-Jan-2024 00:00:00 +0000', 'Subject: open');
    expect((await s.cmd('SELECT Private')).tagged).toMatch(/OK/);
    const marker = `SORT-SECRET-${Date.now()}`;
    await commitRequireTlsNow(t, userId, 'Private', marker);
    for (const cmd of ['SORT (DATE) UTF-8 ALL', 'UID THREAD REFERENCES UTF-8 ALL', 'SORT RETURN (COUNT) (SUBJECT) UTF-8 ALL']) {
      const r = await s.cmd(cmd);
      if (r.tagged !== null) expect(r.tagged).toMatch(/NO \[PRIVACYREQUIRED\]/);
      expect(r.untagged).not.toMatch(/\* (SORT|THREAD|ESEARCH)/);
      if (r.tagged === null) break;
    }
    expect(s.received).not.toContain(marker);
    s.close();
  });
});

describe('CONDSTORE (RFC 7162 §3.1)', () => {
  it('a SORT or THREAD whose program uses MODSEQ turns CONDSTORE on and reports HIGHESTMODSEQ at once, once', async () => {
    const s = await RawImap.open(t.port('imap'));
    expect((await s.cmd('LOGIN sort@example.org pw-sort')).tagged).toMatch(/OK/);
    expect((await s.cmd('SELECT INBOX')).untagged).not.toContain('HIGHESTMODSEQ');
    const sorted = await s.cmd('SORT (ARRIVAL) UTF-8 MODSEQ 1');
    expect(sorted.tagged).toMatch(/OK/);
    expect(sorted.untagged).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\]/m);
    expect(sorted.untagged.indexOf('HIGHESTMODSEQ')).toBeLessThan(sorted.untagged.indexOf('* SORT'));
    const threaded = await s.cmd('THREAD ORDEREDSUBJECT UTF-8 MODSEQ 1');
    expect(threaded.tagged).toMatch(/OK/);
    expect(threaded.untagged).not.toContain('HIGHESTMODSEQ');
    s.close();
  });
});
