// INTERNALDATE keeps the zone the client gave at APPEND, through COPY and MOVE, and SEARCH BEFORE/ON/SINCE
// judge the calendar day as written in that zone (issue 13 item 6; RFC 9051 §2.3.3, §6.3.12, §6.4.4), over
// real sockets: raw transcripts and imapflow.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('zone@example.org', 'pw-zone');
}, 60_000);
afterAll(() => t.stop());

let boxes = 0;
/** A logged-in raw session with a fresh mailbox of its own, created and selected. */
async function freshBox(): Promise<{ c: RawImap; box: string }> {
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN zone@example.org pw-zone')).tagged).toMatch(/OK/);
  const box = `Z${++boxes}`;
  expect((await c.cmd(`CREATE ${box}`)).tagged).toMatch(/OK/);
  return { c, box };
}

/** APPEND with a date-time (LITERAL+); the UID stored. */
async function appendAt(c: RawImap, box: string, date: string, subject: string): Promise<number> {
  const msg = `Subject: ${subject}\r\nFrom: a@example.net\r\n\r\nbody\r\n`;
  const r = await c.cmd(`APPEND ${box} (\\Seen) "${date}" {${msg.length}+}\r\n${msg}`);
  expect(r.tagged).toMatch(/OK \[APPENDUID \d+ \d+\]/);
  return Number(/APPENDUID \d+ (\d+)/.exec(r.tagged!)![1]);
}

function internalDates(untagged: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of untagged.matchAll(/\* \d+ FETCH \((?=[^\r]*UID (\d+))(?=[^\r]*INTERNALDATE "([^"]*)")/g)) out.set(Number(m[1]), m[2]!);
  return out;
}

function searched(untagged: string): number[] {
  const line = /^\* SEARCH(.*)$/m.exec(untagged);
  expect(line, 'an untagged SEARCH').not.toBeNull();
  return line![1]!.trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
}

describe('INTERNALDATE round trips the APPEND zone (issue 13 item 6)', () => {
  const DATES = ['07-Dec-2026 10:00:00 +0530', '07-Dec-2026 10:00:00 -0800', '07-Dec-2026 10:00:00 +0000', '29-Feb-2024 23:59:59 -1200', '01-Jan-2027 00:00:00 +1400', '15-Jun-2025 12:34:56 -0030'];

  it('FETCH INTERNALDATE is exactly what APPEND gave, and COPY and MOVE keep it', async () => {
    const { c, box } = await freshBox();
    try {
      const uids = new Map<number, string>();
      for (const d of DATES) uids.set(await appendAt(c, box, d, d), d);
      expect((await c.cmd(`SELECT ${box}`)).tagged).toMatch(/OK/);
      const f = await c.cmd('UID FETCH 1:* (UID INTERNALDATE)');
      expect(f.tagged).toMatch(/OK/);
      expect(internalDates(f.untagged)).toEqual(uids);

      expect((await c.cmd(`CREATE ${box}c`)).tagged).toMatch(/OK/);
      expect((await c.cmd(`CREATE ${box}m`)).tagged).toMatch(/OK/);
      expect((await c.cmd(`UID COPY 1:* ${box}c`)).tagged).toMatch(/OK/);
      expect((await c.cmd(`UID MOVE 1:* ${box}m`)).tagged).toMatch(/OK/);
      for (const other of [`${box}c`, `${box}m`]) {
        expect((await c.cmd(`SELECT ${other}`)).tagged).toMatch(/OK/);
        const g = await c.cmd('FETCH 1:* (UID INTERNALDATE)');
        expect([...internalDates(g.untagged).values()].sort()).toEqual([...DATES].sort());
      }
    } finally {
      c.close();
    }
  });

  it('imapflow: the instant is right and SEARCH on finds the day as written in the zone', async () => {
    const { c, box } = await freshBox();
    try {
      await appendAt(c, box, '08-Dec-2026 00:30:00 +0530', 'ist'); // 2026-12-07T19:00Z
    } finally {
      c.close();
    }
    const client = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user: 'zone@example.org', pass: 'pw-zone' }, logger: false });
    await client.connect();
    try {
      const lock = await client.getMailboxLock(box);
      try {
        const msgs = [];
        for await (const m of client.fetch('1:*', { uid: true, internalDate: true })) msgs.push(m);
        expect(msgs.map((m) => new Date(m.internalDate!).toISOString())).toEqual(['2026-12-07T19:00:00.000Z']);
        expect(await client.search({ on: new Date('2026-12-08T00:00:00Z') }, { uid: true })).toEqual([1]);
        expect(await client.search({ on: new Date('2026-12-07T00:00:00Z') }, { uid: true })).toEqual([]);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });
});

describe('SEARCH BEFORE/ON/SINCE take the day in the message zone (issue 13 item 6, RFC 9051 §6.4.4)', () => {
  it('00:30 +0530 on 8-Dec is ON 8-Dec though 7-Dec in UTC; 23:30 -0800 on 7-Dec is ON 7-Dec though 8-Dec in UTC', async () => {
    const { c, box } = await freshBox();
    try {
      const early = await appendAt(c, box, '08-Dec-2026 00:30:00 +0530', 'early'); // 2026-12-07T19:00Z
      const late = await appendAt(c, box, '07-Dec-2026 23:30:00 -0800', 'late'); // 2026-12-08T07:30Z
      const utc = await appendAt(c, box, '08-Dec-2026 00:00:00 +0000', 'utc');
      expect((await c.cmd(`SELECT ${box}`)).tagged).toMatch(/OK/);
      const cases: Array<[string, number[]]> = [
        ['ON 8-Dec-2026', [early, utc]],
        ['ON 7-Dec-2026', [late]],
        ['SINCE 8-Dec-2026', [early, utc]],
        ['BEFORE 8-Dec-2026', [late]],
        ['SINCE 7-Dec-2026', [early, late, utc]],
        ['BEFORE 7-Dec-2026', []],
        ['OR ON 7-Dec-2026 ON "08-Dec-2026"', [early, late, utc]],
        ['NOT ON 8-Dec-2026', [late]],
      ];
      for (const [key, want] of cases) {
        const r = await c.cmd(`UID SEARCH ${key}`);
        expect(r.tagged, key).toMatch(/OK/);
        expect(searched(r.untagged), key).toEqual(want);
      }
    } finally {
      c.close();
    }
  });
});
