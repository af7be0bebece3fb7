// Issue 18 item 4 over real sockets: NOOP, CHECK and the start of IDLE (RFC 9051 §6.1.2, RFC 3501 §6.4.1,
// RFC 2177) answer from the selected mailbox as it is now, as Dovecot does, not as the last cross-process
// notification left it. A message committed elsewhere — on SQLite by another connection to the same file, whose
// poll is made too slow to matter here; on PostgreSQL through the other front end's LMTP, with this front end's
// NOTIFY held back — is announced by the next NOOP, CHECK or IDLE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { RawImap } from '../../support/imap-raw.js';
import { LmtpWire, sendMessage } from '../../support/lmtp-wire.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }
`;
const USER = 'catchup@example.org';

let t: TestServer;
let userId: number;
/** SQLite: the other connection that commits. */
let other: SqliteStore | null = null;
/** PostgreSQL: the announcements this front end was sent and has not looked at yet. */
const held: string[] = [];
let release: () => void = () => undefined;

beforeAll(async () => {
  // A minute between polls: on SQLite, only the catch-up can tell the session within the test.
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH, store: 'store: { path: data/postern.sqlite, feedPollMs: 60000 }' });
  userId = await t.addUser(USER, 'pw');
  if (t.peer === null) other = await openSqliteStore({ path: t.config.store.path });
  else {
    const watcher = t.postgres().watcher as unknown as { announced: (payload: string) => void };
    const announced = watcher.announced.bind(watcher);
    watcher.announced = (payload) => void held.push(payload);
    release = () => {
      watcher.announced = announced;
      for (const payload of held.splice(0)) announced(payload);
    };
  }
}, 60_000);
afterAll(async () => {
  release();
  other?.close();
  await t?.stop();
});

let n = 0;

/** Commits a message to the user's INBOX elsewhere than in this front end's process (see the top). */
async function commitElsewhere(subject: string): Promise<void> {
  n++;
  const raw = Buffer.from(`From: s@example.org\r\nTo: ${USER}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}-${n}@example.org>\r\n\r\nbody\r\n`);
  if (other !== null) {
    const inbox = await other.getMailbox(userId, 'INBOX');
    await other.append(userId, inbox.id, { raw });
    return;
  }
  const wire = await LmtpWire.connect(t.port('lmtp'));
  try {
    await wire.hello('mta.example.org');
    const r = await sendMessage(wire, 's@example.org', [USER], raw);
    expect(r.final.get(USER)?.code).toBe(250);
    await wire.command('QUIT');
  } finally {
    wire.destroy();
  }
}

async function selected(): Promise<{ c: RawImap; exists: number }> {
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${USER} pw`)).tagged).toMatch(/OK/);
  const r = await c.cmd('SELECT INBOX');
  expect(r.tagged).toMatch(/OK/);
  return { c, exists: Number(/\* (\d+) EXISTS/.exec(r.untagged)?.[1]) };
}

describe('a message committed elsewhere is announced at the next chance', () => {
  it('by NOOP', async () => {
    const { c, exists } = await selected();
    await commitElsewhere('noop');
    const r = await c.cmd('NOOP');
    expect(r.tagged).toMatch(/OK NOOP completed/);
    expect(r.untagged).toContain(`* ${exists + 1} EXISTS\r\n`);
    c.close();
  });

  it('by CHECK', async () => {
    const { c, exists } = await selected();
    await commitElsewhere('check');
    const r = await c.cmd('CHECK');
    expect(r.tagged).toMatch(/OK CHECK completed/);
    expect(r.untagged).toContain(`* ${exists + 1} EXISTS\r\n`);
    c.close();
  });

  it('by IDLE, right after its continuation', async () => {
    const { c, exists } = await selected();
    await commitElsewhere('idle');
    const tag = c.nextTag();
    c.write(`${tag} IDLE\r\n`);
    expect((await c.untilLine((l) => l.startsWith('+ '))).line).toMatch(/^\+ /);
    expect((await c.untilLine((l) => l.includes('EXISTS'))).line).toBe(`* ${exists + 1} EXISTS`);
    c.write('DONE\r\n');
    expect((await c.reply(tag)).tagged).toMatch(/OK IDLE terminated/);
    c.close();
  });

  it('a NOOP with nothing new announces nothing', async () => {
    const { c } = await selected();
    const r = await c.cmd('NOOP');
    expect(r.untagged).toBe('');
    c.close();
  });
});
