// SPEC R3.4, issue 12 hole 2: without TLS, every command that names a mailbox holding REQUIRETLS mail is
// refused with NO [PRIVACYREQUIRED] (nothing revealed: no APPENDUID/COPYUID, no count; nothing changed: no
// DELETE, RENAME, COPY or MOVE into it) — and the same when the mailbox becomes protected between the
// dispatcher's check and the write (the store refuses inside the write's transaction).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { commitAfterNextMailboxRead, commitRequireTlsNow } from '../../support/privacy-race.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;
const REFUSED = / NO \[PRIVACYREQUIRED\] .*STARTTLS or IMAPS/;

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

interface Fixture {
  id: number;
  name: string;
  /** Logged in without TLS, "Plain" selected (one ordinary message). */
  c: RawImap;
}

/** A user with ordinary mailboxes "Plain" and "Box", and "Secret" and "Box/Child" (protected unless `protect` is false). */
async function fixture(protect = true): Promise<Fixture> {
  const name = `cmd${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  for (const box of ['Plain', 'Secret', 'Box/Child']) await t.server.store.createMailbox(id, box);
  await t.server.store.deliver({
    body: Buffer.from('From: a@b.example\r\nSubject: ordinary\r\n\r\nordinary\r\n'),
    recipients: [{ userId: id, mailbox: 'Plain', prefix: Buffer.alloc(0) }],
    internalDate: new Date(),
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
  if (protect) {
    await commitRequireTlsNow(t, id, 'Secret', `SECRET-${users}`);
    await commitRequireTlsNow(t, id, 'Box/Child', `CHILD-${users}`);
  }
  const c = await RawImap.open(t.port('imap', 0));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  expect((await c.cmd('SELECT Plain')).tagged).toMatch(/ OK /);
  return { id, name, c };
}

/** What a TLS session sees of the user's mailboxes: name → MESSAGES. */
async function overTls(f: Fixture): Promise<Map<string, number>> {
  const s = await RawImap.open(t.port('imap', 1), true);
  try {
    expect((await s.cmd(`LOGIN ${f.name} pw`)).tagged).toMatch(/ OK /);
    const out = new Map<string, number>();
    for (const box of ['INBOX', 'Plain', 'Secret', 'Box', 'Box/Child', 'Renamed', 'Renamed/Child']) {
      const r = await s.cmd(`STATUS ${box} (MESSAGES)`);
      const m = /MESSAGES (\d+)/.exec(r.untagged);
      if (m) out.set(box, Number(m[1]));
    }
    return out;
  } finally {
    s.close();
  }
}

const APPEND_BODY = 'From: c@d.example\r\nSubject: appended\r\n\r\nappended\r\n';

/** Each refused command, as the cleartext session sends it. */
const COMMANDS: Array<[string, string]> = [
  ['APPEND', `APPEND Secret {${APPEND_BODY.length}+}\r\n${APPEND_BODY}`],
  ['MULTIAPPEND', `APPEND Secret {${APPEND_BODY.length}+}\r\n${APPEND_BODY} {${APPEND_BODY.length}+}\r\n${APPEND_BODY}`],
  ['COPY', 'COPY 1 Secret'],
  ['UID COPY', 'UID COPY 1:* Secret'],
  ['MOVE', 'MOVE 1 Secret'],
  ['UID MOVE', 'UID MOVE 1:* Secret'],
  ['DELETE', 'DELETE Secret'],
  ['DELETE (inferior)', 'DELETE Box/Child'],
  ['RENAME', 'RENAME Secret Renamed'],
  ['RENAME (inferior)', 'RENAME Box/Child Renamed'],
  ['RENAME (parent of a protected mailbox)', 'RENAME Box Renamed'],
  ['STATUS', 'STATUS Secret (UIDNEXT)'],
  ['STATUS (MAILBOXID)', 'STATUS Secret (MAILBOXID)'], // RFC 8474 §4.3
  ['SELECT', 'SELECT Secret'],
  ['EXAMINE', 'EXAMINE Secret'],
  ['SUBSCRIBE', 'SUBSCRIBE Secret'],
  ['UNSUBSCRIBE', 'UNSUBSCRIBE Secret'],
];

describe('cleartext commands naming a protected mailbox (R3.4)', () => {
  it('each is refused with NO [PRIVACYREQUIRED], reveals nothing and changes nothing', async () => {
    const f = await fixture();
    const before = await overTls(f);
    for (const [what, command] of COMMANDS) {
      const r = await f.c.cmd(command);
      expect(r.tagged, what).toMatch(REFUSED);
      expect(r.tagged, what).not.toMatch(/APPENDUID|COPYUID|UIDNEXT/);
      expect(r.untagged, what).not.toMatch(/COPYUID|EXPUNGE|STATUS/);
    }
    expect(await overTls(f)).toEqual(before);
    // The ordinary mailbox is still served (the refused SELECT and EXAMINE closed it: RFC 9051 §6.3.2).
    expect((await f.c.cmd('SELECT Plain')).tagged).toMatch(/ OK /);
    expect((await f.c.cmd('FETCH 1 FLAGS')).tagged).toMatch(/ OK /);
    f.c.close();
  });

  it('RENAME of INBOX holding REQUIRETLS mail is refused', async () => {
    const f = await fixture(false);
    await commitRequireTlsNow(t, f.id, 'INBOX', `INBOX-${users}`);
    expect((await f.c.cmd('RENAME INBOX Renamed')).tagged).toMatch(REFUSED);
    expect((await overTls(f)).get('INBOX')).toBe(1);
    f.c.close();
  });

  it('a failed SELECT of a protected mailbox leaves no mailbox selected (RFC 9051 §6.3.2)', async () => {
    const f = await fixture();
    const r = await f.c.cmd('SELECT Secret');
    expect(r.tagged).toMatch(REFUSED);
    expect(r.untagged).toContain('[CLOSED]');
    expect((await f.c.cmd('FETCH 1 FLAGS')).tagged).toMatch(/ BAD /);
    f.c.close();
  });

  it('over TLS the same commands are served', async () => {
    const f = await fixture();
    f.c.close();
    const s = await RawImap.open(t.port('imap', 1), true);
    expect((await s.cmd(`LOGIN ${f.name} pw`)).tagged).toMatch(/ OK /);
    expect((await s.cmd(`APPEND Secret {${APPEND_BODY.length}+}\r\n${APPEND_BODY}`)).tagged).toMatch(/ OK \[APPENDUID /);
    expect((await s.cmd('SELECT Plain')).tagged).toMatch(/ OK /);
    expect((await s.cmd('COPY 1 Secret')).tagged).toMatch(/ OK \[COPYUID /);
    expect((await s.cmd('RENAME Secret Renamed')).tagged).toMatch(/ OK /);
    expect((await s.cmd('DELETE Box/Child')).tagged).toMatch(/ OK /);
    s.close();
  });
});

describe('a mailbox that becomes protected between the check and the write (R3.4, in the store transaction)', () => {
  const RACES: Array<[string, string]> = [
    ['APPEND', `APPEND Target {${APPEND_BODY.length}+}\r\n${APPEND_BODY}`],
    ['COPY', 'COPY 1 Target'],
    ['MOVE', 'MOVE 1 Target'],
    ['DELETE', 'DELETE Target'],
    ['RENAME', 'RENAME Target Renamed'],
  ];
  for (const [what, command] of RACES) {
    it(`${what}: NO [PRIVACYREQUIRED], nothing written`, async () => {
      const f = await fixture(false);
      await t.server.store.createMailbox(f.id, 'Target');
      const fired = commitAfterNextMailboxRead(t, f.id, 'Target', `RACE-${what}-${users}`);
      const r = await f.c.cmd(command);
      expect(fired()).toBe(true);
      expect(r.tagged).toMatch(REFUSED);
      expect(r.tagged).not.toMatch(/APPENDUID|COPYUID/);
      const after = await overTls(f);
      expect(after.get('Plain')).toBe(1);
      f.c.close();
      const s = await RawImap.open(t.port('imap', 1), true);
      expect((await s.cmd(`LOGIN ${f.name} pw`)).tagged).toMatch(/ OK /);
      expect((await s.cmd('STATUS Target (MESSAGES)')).untagged).toContain('MESSAGES 1');
      s.close();
    });
  }
});
