// SPEC R3.4, issue 12 hole 1: the REQUIRETLS check of SELECT, EXAMINE and STATUS and what they then serve come
// from one snapshot. A REQUIRETLS delivery is committed by the ingest writer thread right after the command's
// first read of the mailbox (its notice published later, as always): the cleartext session must get
// NO [PRIVACYREQUIRED] or BYE [PRIVACYREQUIRED], never the message's count, flags or bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { commitAfterNextMailboxRead, commitRequireTlsNow, protectedMessage } from '../../support/privacy-race.js';
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

/** A user whose INBOX holds one ordinary message, logged in over cleartext. */
async function cleartextUser(): Promise<{ id: number; name: string; c: RawImap }> {
  const name = `snap${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  await t.server.store.deliver({
    body: Buffer.from('From: a@b.example\r\nSubject: ordinary\r\n\r\nordinary\r\n'),
    recipients: [{ userId: id, prefix: Buffer.alloc(0) }],
    internalDate: new Date(),
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
  const c = await RawImap.open(t.port('imap', 0));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { id, name, c };
}

/** Nothing of the REQUIRETLS message reached the socket: not its bytes, not a count that includes it. */
function assertNothingLeaked(received: string, marker: string): void {
  expect(received).not.toContain(marker);
  expect(received).not.toMatch(/\* [2-9]\d* EXISTS/);
  expect(received).not.toMatch(/MESSAGES [2-9]/);
  expect(received).not.toMatch(/DELETED [1-9]/);
}

describe('REQUIRETLS mail committed between the check and the view (R3.4)', () => {
  for (const verb of ['SELECT', 'EXAMINE']) {
    it(`${verb}: refused, or ended with BYE before anything of the new message is sent`, async () => {
      const { id, c } = await cleartextUser();
      const marker = `SNAPSHOT-${verb}-${Date.now()}`;
      const fired = commitAfterNextMailboxRead(t, id, 'INBOX', marker);
      // Pipelined, as a client that does not wait: the FETCH is read before the notice is published.
      const tags = [c.nextTag(), c.nextTag(), c.nextTag(), c.nextTag()];
      c.write(`${tags[0]} ${verb} INBOX\r\n${tags[1]} FETCH 1:* (FLAGS ENVELOPE BODY.PEEK[])\r\n${tags[2]} UID FETCH 1:* BODY.PEEK[]\r\n${tags[3]} NOOP\r\n`);
      const first = await c.reply(tags[0]!);
      expect(fired()).toBe(true);
      for (const tag of tags.slice(1)) await c.reply(tag);
      assertNothingLeaked(c.received, marker);
      expect(first.tagged).toMatch(/ NO \[PRIVACYREQUIRED\] .*STARTTLS or IMAPS/);
      c.close();
    });
  }

  it('STATUS: refused, never a count that includes the message', async () => {
    const { id, c } = await cleartextUser();
    const marker = `SNAPSHOT-STATUS-${Date.now()}`;
    const fired = commitAfterNextMailboxRead(t, id, 'INBOX', marker, ['\\Deleted']);
    const reply = await c.cmd('STATUS INBOX (MESSAGES UIDNEXT UNSEEN SIZE DELETED)');
    expect(fired()).toBe(true);
    assertNothingLeaked(c.received, marker);
    expect(reply.tagged).toMatch(/ NO \[PRIVACYREQUIRED\] /);
    expect(reply.untagged).toBe('');
    c.close();
  });

  it('over TLS the same mailbox is served whole', async () => {
    const { id, name, c } = await cleartextUser();
    c.close();
    const marker = `SNAPSHOT-TLS-${Date.now()}`;
    const s = await RawImap.open(t.port('imap', 1), true);
    expect((await s.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
    await commitRequireTlsNow(t, id, 'INBOX', marker);
    const selected = await s.cmd('SELECT INBOX');
    expect(selected.tagged).toMatch(/ OK /);
    expect(selected.untagged).toContain('* 2 EXISTS');
    const fetched = await s.cmd('FETCH 1:* BODY.PEEK[]');
    expect(fetched.untagged).toContain(protectedMessage(marker).toString('latin1'));
    s.close();
  });
});
