// Issue 15 item 4, WITHIN (RFC 5032) over real sockets: advertised; SEARCH YOUNGER n finds the messages whose
// INTERNALDATE is within the last n seconds and OLDER n the others, alone, combined, and under UID SEARCH and
// ESEARCH; for any interval the two split the mailbox (property, fast-check, bounded).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Ages (seconds before now) of the appended messages, UIDs 1..n in this order. */
const AGES = [30 * 86_400, 7_200, 600, 5];

let t: TestServer;
let c: RawImap;

function imapDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('w@example.org', 'pw');
  c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN w@example.org pw')).tagged).toMatch(/ OK /);
  for (const [i, age] of AGES.entries()) {
    const msg = `Subject: ${i}\r\n\r\nx\r\n`;
    const r = await c.cmd(`APPEND INBOX "${imapDate(new Date(Date.now() - age * 1000))}" {${msg.length}+}\r\n${msg}`);
    expect(r.tagged).toMatch(/ OK /);
  }
  expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
});
afterAll(async () => {
  c.close();
  await t.stop();
});

async function search(keys: string): Promise<number[]> {
  const r = await c.cmd(`UID SEARCH ${keys}`);
  expect(r.tagged).toMatch(/ OK /);
  const m = /^\* SEARCH((?: \d+)*)\r\n$/.exec(r.untagged);
  expect(m).not.toBeNull();
  return m![1]!.trim() === '' ? [] : m![1]!.trim().split(' ').map(Number);
}

describe('WITHIN (RFC 5032)', () => {
  it('is advertised', async () => {
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/ WITHIN( |\r\n)/);
  });

  it('YOUNGER n is within the last n seconds, OLDER n before them', async () => {
    expect(await search('YOUNGER 3600')).toEqual([3, 4]);
    expect(await search('OLDER 3600')).toEqual([1, 2]);
    expect(await search('YOUNGER 86400 OLDER 60')).toEqual([2, 3]);
    expect(await search('OR YOUNGER 60 OLDER 86400')).toEqual([1, 4]);
    expect(await search('NOT YOUNGER 3600')).toEqual([1, 2]);
    expect(await search('YOUNGER 1')).toEqual([]); // the newest is 5 s old
    const tag = c.nextTag();
    c.write(`${tag} UID SEARCH RETURN (COUNT MIN) OLDER 300\r\n`);
    expect((await c.reply(tag)).untagged).toBe(`* ESEARCH (TAG "${tag}") UID MIN 1 COUNT 3\r\n`);
  });

  it('OLDER n and YOUNGER n split the mailbox for any interval', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 * 86_400 }), async (n) => {
        const older = await search(`OLDER ${n}`);
        const younger = await search(`YOUNGER ${n}`);
        expect([...older, ...younger].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
        expect(older.every((u) => !younger.includes(u))).toBe(true);
      }),
      { numRuns: 40, seed: 15 },
    );
  });
});
