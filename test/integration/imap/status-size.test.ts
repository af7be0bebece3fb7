// Issue 15 item 5, STATUS=SIZE (RFC 8438) over real sockets: advertised after login; STATUS (SIZE) and LIST …
// RETURN (STATUS (SIZE)) (RFC 5819) give the mailbox's total RFC822.SIZE — the sum FETCH reports, delivery prefix
// included — from the store's counters, and follow APPEND, COPY, MOVE and EXPUNGE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function deliver(userId: number, mailbox: string, body: string, prefix: string): Promise<void> {
  await t.server.store.deliver({
    body: Buffer.from(body),
    recipients: [{ userId, mailbox, prefix: Buffer.from(prefix) }],
    internalDate: new Date(),
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
}

async function login(): Promise<{ id: number; c: RawImap }> {
  const name = `sz${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { id, c };
}

/** The sum of RFC822.SIZE over the mailbox, as FETCH reports it. */
async function fetchedTotal(c: RawImap, box: string): Promise<number> {
  expect((await c.cmd(`EXAMINE ${box}`)).tagged).toMatch(/ OK /);
  const r = await c.cmd('FETCH 1:* (RFC822.SIZE)');
  let sum = 0;
  for (const m of r.untagged.matchAll(/RFC822\.SIZE (\d+)/g)) sum += Number(m[1]);
  expect((await c.cmd('CLOSE')).tagged).toMatch(/ OK /);
  return sum;
}

async function statusSize(c: RawImap, box: string): Promise<number> {
  const r = await c.cmd(`STATUS ${box} (MESSAGES SIZE)`);
  expect(r.tagged).toMatch(/ OK /);
  const m = /^\* STATUS \S+ \(MESSAGES \d+ SIZE (\d+)\)\r\n$/.exec(r.untagged);
  expect(m).not.toBeNull();
  return Number(m![1]);
}

describe('STATUS=SIZE (RFC 8438)', () => {
  it('is advertised after login', async () => {
    const { c } = await login();
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/^\* CAPABILITY .* STATUS=SIZE( |\r\n)/m);
    c.close();
  });

  it('is the total RFC822.SIZE, prefix included, through APPEND, COPY, MOVE and EXPUNGE', async () => {
    const { id, c } = await login();
    expect((await c.cmd('CREATE Other')).tagged).toMatch(/ OK /);
    expect(await statusSize(c, 'INBOX')).toBe(0);
    await deliver(id, 'INBOX', 'Subject: one\r\n\r\nfirst body\r\n', 'Received: from x by y\r\n');
    await deliver(id, 'INBOX', `Subject: two\r\n\r\n${'x'.repeat(5000)}\r\n`, 'Authentication-Results: a; none\r\n');
    const msg = 'Subject: three\r\n\r\nappended\r\n';
    expect((await c.cmd(`APPEND INBOX {${msg.length}+}\r\n${msg}`)).tagged).toMatch(/ OK /);
    expect(await statusSize(c, 'INBOX')).toBe(await fetchedTotal(c, 'INBOX'));
    expect(await statusSize(c, 'INBOX')).toBeGreaterThan(5000);

    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    expect((await c.cmd('COPY 1:2 Other')).tagged).toMatch(/ OK /);
    expect((await c.cmd('MOVE 3 Other')).tagged).toMatch(/ OK /);
    expect((await c.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)')).tagged).toMatch(/ OK /);
    expect((await c.cmd('EXPUNGE')).tagged).toMatch(/ OK /);
    expect((await c.cmd('CLOSE')).tagged).toMatch(/ OK /);
    for (const box of ['INBOX', 'Other']) expect(await statusSize(c, box)).toBe(await fetchedTotal(c, box));
    c.close();
  });

  it('LIST … RETURN (STATUS (SIZE)) gives the same figure as STATUS', async () => {
    const { id, c } = await login();
    await deliver(id, 'INBOX', 'Subject: a\r\n\r\nabc\r\n', 'Received: by z\r\n');
    const size = await statusSize(c, 'INBOX');
    const r = await c.cmd('LIST "" INBOX RETURN (STATUS (SIZE MESSAGES))');
    expect(r.tagged).toMatch(/ OK /);
    expect(r.untagged).toContain(`* STATUS INBOX (SIZE ${size} MESSAGES 1)\r\n`);
    c.close();
  });
});
