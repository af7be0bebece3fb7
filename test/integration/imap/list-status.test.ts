// Issue 13 item 16 over real sockets: LIST-STATUS (RFC 5819) is advertised and done — a `* STATUS` right after
// each selectable mailbox's `* LIST`, never for a mailbox holding REQUIRETLS mail on a session without TLS
// (SPEC R3.4) — and LIST-EXTENDED selection options (RFC 5258) are honoured or refused, never ignored.
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

async function deliver(userId: number, mailbox: string, subject: string): Promise<void> {
  await t.server.store.deliver({
    body: Buffer.from(`From: a@b.example\r\nSubject: ${subject}\r\n\r\nbody\r\n`),
    recipients: [{ userId, mailbox, prefix: Buffer.alloc(0) }],
    internalDate: new Date(),
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
}

/** A user with "Plain" (2 messages, one seen), "Secret" (REQUIRETLS mail) and "Empty" (beside the default
 * special-use mailboxes, which the tests' patterns leave out); logged in. */
async function fixture(tls: boolean): Promise<{ id: number; name: string; c: RawImap }> {
  const name = `ls${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  for (const box of ['Plain', 'Secret', 'Empty']) await t.server.store.createMailbox(id, box);
  await deliver(id, 'Plain', 'one');
  await deliver(id, 'Plain', 'two');
  await commitRequireTlsNow(t, id, 'Secret', `SECRET-${users}`);
  const c = await RawImap.open(t.port('imap', tls ? 1 : 0), tls);
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  expect((await c.cmd('SELECT Plain')).tagged).toMatch(/ OK /);
  expect((await c.cmd('STORE 1 +FLAGS.SILENT (\\Seen)')).tagged).toMatch(/ OK /);
  expect((await c.cmd('CLOSE')).tagged).toMatch(/ OK /);
  return { id, name, c };
}

const lines = (untagged: string): string[] => untagged.split('\r\n').filter((l) => l !== '');

describe('LIST-STATUS (RFC 5819)', () => {
  it('is advertised after login', async () => {
    const { c } = await fixture(false);
    const caps = (await c.cmd('CAPABILITY')).untagged;
    expect(caps).toMatch(/^\* CAPABILITY .* LIST-STATUS( |\r\n)/m);
    expect(caps).toMatch(/ LIST-EXTENDED( |\r\n)/);
    c.close();
  });

  it('sends each selectable mailbox its STATUS right after its LIST line, with the items asked for', async () => {
    const { c } = await fixture(true);
    const r = await c.cmd('LIST "" (INBOX Plain Secret Empty) RETURN (STATUS (MESSAGES UNSEEN UIDNEXT))');
    expect(r.tagged).toMatch(/ OK /);
    expect(lines(r.untagged)).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* STATUS INBOX (MESSAGES 0 UNSEEN 0 UIDNEXT 1)',
      '* LIST (\\HasNoChildren) "/" Empty',
      '* STATUS Empty (MESSAGES 0 UNSEEN 0 UIDNEXT 1)',
      '* LIST (\\HasNoChildren) "/" Plain',
      '* STATUS Plain (MESSAGES 2 UNSEEN 1 UIDNEXT 3)',
      '* LIST (\\HasNoChildren) "/" Secret',
      '* STATUS Secret (MESSAGES 1 UNSEEN 1 UIDNEXT 2)',
    ]);
    c.close();
  });

  it('without TLS, a mailbox holding REQUIRETLS mail is listed without its STATUS (R3.4); the others keep theirs', async () => {
    const { c } = await fixture(false);
    const r = await c.cmd('LIST "" (INBOX Plain Secret Empty) RETURN (STATUS (MESSAGES UIDVALIDITY))');
    expect(r.tagged).toMatch(/ OK /);
    const got = lines(r.untagged);
    expect(got).toContain('* LIST (\\HasNoChildren) "/" Secret');
    expect(got.filter((l) => l.startsWith('* STATUS Secret'))).toEqual([]);
    expect(got.filter((l) => l.startsWith('* STATUS ')).map((l) => l.split(' ')[2])).toEqual(['INBOX', 'Empty', 'Plain']);
    expect(c.received).not.toContain('STATUS Secret');
    c.close();
  });

  it('asks for no STATUS when RETURN has none, and refuses an unknown status item', async () => {
    const { c } = await fixture(true);
    const plain = await c.cmd('LIST "" "*" RETURN (CHILDREN)');
    expect(plain.untagged).not.toContain('* STATUS');
    expect((await c.cmd('LIST "" "*" RETURN (STATUS (FOO))')).tagged).toMatch(/ BAD /);
    c.close();
  });
});

describe('LIST-EXTENDED selection options (RFC 5258)', () => {
  it('RECURSIVEMATCH with SUBSCRIBED lists parents of subscribed mailboxes with CHILDINFO', async () => {
    const { id, c } = await fixture(true);
    await t.server.store.createMailbox(id, 'Lists/Rust');
    expect((await c.cmd('SUBSCRIBE Lists/Rust')).tagged).toMatch(/ OK /);
    expect((await c.cmd('SUBSCRIBE Plain')).tagged).toMatch(/ OK /);
    const r = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" (Li% Pl%)');
    expect(r.tagged).toMatch(/ OK /);
    expect(lines(r.untagged)).toEqual(['* LIST (\\HasChildren) "/" Lists ("CHILDINFO" ("SUBSCRIBED"))', '* LIST (\\HasNoChildren \\Subscribed) "/" Plain']);
    // Without RECURSIVEMATCH only subscribed names match.
    expect(lines((await c.cmd('LIST (SUBSCRIBED) "" (Li% Pl%)')).untagged)).toEqual(['* LIST (\\HasNoChildren \\Subscribed) "/" Plain']);
    c.close();
  });

  it('RECURSIVEMATCH without SUBSCRIBED is refused, not ignored', async () => {
    const { c } = await fixture(true);
    expect((await c.cmd('LIST (SPECIAL-USE RECURSIVEMATCH) "" "*"')).tagged).toMatch(/ BAD /);
    c.close();
  });
});
