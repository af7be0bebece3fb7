// `postern migrate-store` over the real CLI (issue 18 item 5): a populated SQLite store → PostgreSQL → a new SQLite
// file, verify passing both ways; the three stores serve the same users, mailboxes, UIDs, flags, bytes (trace prefix
// apart), REQUIRETLS, R2.2 records and POP3 UIDLs; a second run copies nothing; a run killed after its first batch
// then run again gives the same result; a message changed in the target makes verify fail with exit 1.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../../src/pop3/maildrop.js';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { runCli, tempHome, type TempHome } from '../../support/cli.js';
import { messageChunks } from '../../support/large-body.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../support/postgres.js';
import { CREDENTIALS } from '../../unit/store/store-fixture.js';

const BOB_CREDENTIALS = { ...CREDENTIALS, scrypt: 'scrypt$16384$8$1$Ym9i$Ym9iaGFzaA==' };
const FORGED = { name: 'Authentication-Results', value: 'mx.test; dkim=pass', reason: 'ours', claimedId: 'mx.test' };
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const msg = (subject: string, body = 'hello'): Buffer => Buffer.from(`From: a@b.test\r\nSubject: ${subject}\r\n\r\n${body}\r\n`);

/** Several users, nested mailboxes, flags, keywords, REQUIRETLS, a delivery with a trace prefix and forged fields removed, an imported POP3 UIDL, a large body. */
async function populate(store: Store): Promise<void> {
  const alice = await store.createUser('alice', CREDENTIALS, { quotaBytes: 50_000_000 });
  const bob = await store.createUser('bob', BOB_CREDENTIALS);
  await store.setUserDisabled(bob.id, true);
  const inbox = await store.getMailbox(alice.id, 'INBOX');
  await store.append(alice.id, inbox.id, { raw: msg('imported'), uid: 3, pop3Uidl: 'dovecot-uidl-0003', flags: ['\\Seen'] });
  const [delivered] = await store.deliver({
    body: msg('delivered'),
    recipients: [
      { userId: alice.id, prefix: Buffer.from('Return-Path: <a@b.test>\r\nReceived: by mx.test for alice\r\n') },
      { userId: bob.id, prefix: Buffer.from('Return-Path: <a@b.test>\r\nReceived: by mx.test for bob\r\n') },
    ],
    internalDate: new Date('2026-01-02T03:04:05Z'),
    requireTls: true,
    tlsRequiredNo: false,
    forgedFields: 1,
    removedFields: [FORGED],
  });
  expect(delivered?.ok).toBe(true);
  await store.append(alice.id, inbox.id, {
    raw: msg('flagged'),
    flags: ['\\Flagged', '\\Answered', '$Label1', 'work'],
    internalDate: new Date('2025-06-01T10:00:00Z'),
    internalZone: 120,
    tlsRequiredNo: true,
  });
  const gone = await store.append(alice.id, inbox.id, { raw: msg('expunged') });
  await store.expunge(alice.id, inbox.id, { uids: [gone.uid], force: true }); // UIDNEXT above the last UID
  await store.append(alice.id, inbox.id, { raw: Buffer.concat([...messageChunks(300 * 1024, 'big')]) });
  await store.createMailbox(alice.id, 'Work/2024');
  await store.createMailbox(alice.id, 'Lists/rust');
  await store.deleteMailbox(alice.id, 'Lists'); // a \Noselect name with an inferior
  await store.deleteMailbox(alice.id, 'Junk');
  await store.createMailbox(alice.id, 'Starred', { specialUse: '\\Flagged' });
  await store.unsubscribe(alice.id, 'Trash');
  await store.subscribe(alice.id, 'Ghost');
  const work = await store.getMailbox(alice.id, 'Work/2024');
  await store.appendAll(alice.id, work.id, Array.from({ length: 70 }, (_, i) => ({ raw: msg(`bulk ${i}`), flags: i % 2 ? ['\\Seen'] : [] })));
}

/** What a client sees of a store, plus what only `postern message show` shows: equal across stores when the copy is whole. */
async function snapshot(store: Store): Promise<unknown> {
  const users = [];
  for (const u of await store.listUsers()) {
    const user = (await store.findUser(u.name))!;
    const boxes = [];
    for (const box of await store.listMailboxes(user.id)) {
      const uidls = await store.pop3Uidls(user.id, box.id);
      const messages = [];
      for (const m of await store.listMessages(user.id, box.id)) {
        const [read] = await store.readMessages(user.id, box.id, [m.uid], 1);
        messages.push({
          uid: m.uid,
          flags: m.flags,
          size: m.size,
          internalDate: m.internalDate.getTime(),
          zone: m.internalZone,
          requireTls: m.requireTls,
          tlsRequiredNo: m.tlsRequiredNo,
          forged: m.forgedFields,
          prefix: sha(read!.prefix),
          body: sha(read!.body),
          removed: await store.removedFields(user.id, box.id, m.uid),
          uidl: uidls.get(m.uid) ?? uniqueId(box.uidValidity, m.uid),
        });
      }
      boxes.push({ name: box.name, specialUse: box.specialUse, uidValidity: box.uidValidity, uidNext: box.uidNext, counts: [box.messages, box.unseen, box.bytes, box.requireTlsMessages], messages });
    }
    users.push({
      name: user.name,
      credentials: user.credentials,
      quota: user.quotaBytes,
      disabled: user.disabled,
      boxes,
      noselect: await store.listNoselect(user.id),
      subscriptions: (await store.listSubscriptions(user.id)).sort(),
    });
  }
  return users;
}

async function withPg<T>(url: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openPostgresStore({ url, poolSize: 2 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function withSqlite<T>(path: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore({ path });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe.skipIf(!pgAvailable)('postern migrate-store: SQLite → PostgreSQL → SQLite', () => {
  let home: TempHome;
  let src: string;
  let expected: unknown;
  const dbs: TestDatabase[] = [];
  const newDb = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase();
    dbs.push(db);
    return db;
  };
  beforeAll(async () => {
    home = tempHome();
    src = join(home.dir, 'source.sqlite');
    expected = await withSqlite(src, async (store) => {
      await populate(store);
      return snapshot(store);
    });
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
    home.cleanup();
  });

  it('copies everything both ways, verify passes, the three stores serve the same; a second run copies nothing', { timeout: 120_000 }, async () => {
    // The source holds what the copy must carry (so that equal snapshots mean something).
    const [alice, bob] = expected as Array<{ boxes: Array<{ name: string; messages: Array<Record<string, unknown>> }>; [k: string]: unknown }>;
    expect(alice).toMatchObject({ name: 'alice', quota: 50_000_000, disabled: false, noselect: ['Lists'] });
    expect(alice!.subscriptions).toContain('Ghost');
    expect(alice!.subscriptions).not.toContain('Trash');
    expect(bob).toMatchObject({ name: 'bob', quota: null, disabled: true });
    const inbox = alice!.boxes.find((b) => b.name === 'INBOX')!;
    expect(inbox).toMatchObject({ uidNext: 8 });
    expect(inbox.messages.map((m) => [m.uid, m.uidl, m.requireTls, m.forged])).toEqual([
      [3, 'dovecot-uidl-0003', false, 0],
      [4, expect.stringMatching(/^\d+\.4$/), true, 1],
      [5, expect.stringMatching(/^\d+\.5$/), false, 0],
      [7, expect.stringMatching(/^\d+\.7$/), false, 0],
    ]);
    expect(inbox.messages[1]!.removed).toEqual([FORGED]);
    expect(inbox.messages[1]!.prefix).not.toBe(sha(Buffer.alloc(0)));
    expect(inbox.messages[2]).toMatchObject({ flags: ['$Label1', '\\Answered', '\\Flagged', 'work'], zone: 120, tlsRequiredNo: true });
    expect(inbox.messages[3]!.size).toBeGreaterThan(256 * 1024);
    expect(alice!.boxes.find((b) => b.name === 'Starred')).toMatchObject({ specialUse: '\\Flagged' });

    const db = await newDb();
    const first = await home.run(['migrate-store', '--from', `sqlite:${src}`, '--to', db.url]);
    expect(first.stderr).not.toMatch(/Error|problem/);
    expect(first.stdout).toMatch(/copied 75 messages .* in 15 mailboxes of 2 users; 0 were there already/);
    expect(first.stdout).toMatch(/^verify: 2 users, 75 messages .* match the source/m);
    expect(first.stdout).toMatch(/^planner statistics refreshed \(ANALYZE of \d+ tables\)$/m);
    expect(Number(/ANALYZE of (\d+) tables/.exec(first.stdout)?.[1])).toBeGreaterThanOrEqual(10); // messages, bodies, body_text, ...
    expect(first.code).toBe(0);
    expect(await withPg(db.url, snapshot)).toEqual(expected);

    const again = await home.run(['migrate-store', '--from', `sqlite:${src}`, '--to', db.url]);
    expect(again.stdout).toMatch(/copied 0 messages .*; 75 were there already/);
    expect(again.code).toBe(0);
    expect(await withPg(db.url, snapshot)).toEqual(expected);

    const back = join(home.dir, 'back', 'store.sqlite');
    const second = await home.run(['migrate-store', '--from', db.url, '--to', back]);
    expect(second.stdout).toMatch(/copied 75 messages/);
    expect(second.stdout).toMatch(/^verify: .* match the source/m);
    expect(second.code).toBe(0);
    expect(await withSqlite(back, snapshot)).toEqual(expected);
  });

  it('a run killed after its first batch, run again, gives the same result', { timeout: 120_000 }, async () => {
    const db = await newDb();
    const env = { ...home.env, POSTERN_TEST_MIGRATE_CRASH_AFTER_BATCHES: '2' };
    const crashed = await runCli(['migrate-store', '--from', `sqlite:${src}`, '--to', db.url], env);
    expect(crashed.code).toBeNull(); // killed by the signal
    const partial = await withPg(db.url, async (s) => {
      const alice = (await s.findUser('alice'))!;
      return [(await s.getMailbox(alice.id, 'INBOX')).messages, (await s.getMailbox(alice.id, 'Work/2024')).messages];
    });
    expect(partial).toEqual([4, 64]); // whole batches only: INBOX's, then the first of Work/2024
    const resumed = await home.run(['migrate-store', '--from', `sqlite:${src}`, '--to', db.url]);
    expect(resumed.stdout).toMatch(/were there already/);
    expect(resumed.stdout).toMatch(/copied 7 messages .*; 68 were there already/);
    expect(resumed.code).toBe(0);
    expect(await withPg(db.url, snapshot)).toEqual(expected);
  });

  it('a message changed in the target makes verify fail with exit 1, saying what differs', { timeout: 120_000 }, async () => {
    const db = await newDb();
    expect((await home.run(['migrate-store', '--from', `sqlite:${src}`, '--to', db.url])).code).toBe(0);
    await withPg(db.url, async (store) => {
      const pg = store as Awaited<ReturnType<typeof openPostgresStore>>;
      const alice = (await store.findUser('alice'))!;
      const inbox = await store.getMailbox(alice.id, 'INBOX');
      await store.setFlags(alice.id, inbox.id, [3], 'add', ['\\Deleted']); // a run sets the source's flags again
      await pg.pool.query('UPDATE messages SET require_tls = false WHERE mailbox_id = $1 AND uid = 4', [inbox.id]);
      await pg.pool.query(
        "UPDATE bodies SET bytes = overlay(bytes placing 'X'::bytea from 20) WHERE id = (SELECT body_id FROM messages WHERE mailbox_id = $1 AND uid = 5)",
        [inbox.id],
      );
    });
    const run = await home.run(['migrate-store', '--from', `sqlite:${src}`, '--to', db.url]);
    expect(run.stdout).toMatch(/^since the last run: flags set again on 1 messages, 0 expunged/m);
    expect(run.stdout).toMatch(/^differs: alice INBOX UID 4: REQUIRETLS differs: source yes, target no/m);
    expect(run.stdout).toMatch(/^differs: alice INBOX UID 5: content differs/m);
    expect(run.stdout).toMatch(/^verify: FAILED, 2 differences/m);
    expect(run.code).toBe(1);
  });

  it('a run after the source changed copies the new mail, sets changed flags again and expunges what the source expunged', { timeout: 120_000 }, async () => {
    const changing = join(home.dir, 'changing.sqlite');
    await withSqlite(changing, populate);
    const db = await newDb();
    expect((await home.run(['migrate-store', '--from', `sqlite:${changing}`, '--to', db.url])).code).toBe(0);
    const now = await withSqlite(changing, async (store) => {
      const alice = (await store.findUser('alice'))!;
      const work = await store.getMailbox(alice.id, 'Work/2024');
      await store.setFlags(alice.id, work.id, [1, 2], 'replace', ['\\Answered', 'later']);
      await store.expunge(alice.id, work.id, { uids: [3, 4], force: true });
      await store.append(alice.id, work.id, { raw: msg('new one') });
      return snapshot(store);
    });
    const run = await home.run(['migrate-store', '--from', `sqlite:${changing}`, '--to', db.url]);
    expect(run.stdout).toMatch(/copied 1 messages .*; 73 were there already/);
    expect(run.stdout).toMatch(/^since the last run: flags set again on 2 messages, 2 expunged as in the source/m);
    expect(run.stdout).toMatch(/^verify: .* match the source/m);
    expect(run.code).toBe(0);
    expect(await withPg(db.url, snapshot)).toEqual(now);
  });

  it('refuses a URL it does not know and a missing source file (usage, exit 2 / 1)', async () => {
    const bad = await home.run(['migrate-store', '--to', 'mysql://x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to is postgresql:/);
    const missing = await home.run(['migrate-store', '--from', join(home.dir, 'nope.sqlite'), '--to', join(home.dir, 'x.sqlite')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no store at/);
  });
});

describe('postern migrate-store from the configured SQLite store to a new SQLite file (no PostgreSQL needed)', () => {
  let home: TempHome;
  beforeAll(() => {
    home = tempHome();
  });
  afterAll(() => home.cleanup());

  it('copies the configured store; verify passes; the copy serves the same', { timeout: 120_000 }, async () => {
    const configured = join(home.dir, 'data', 'postern.sqlite'); // tempHome's configuration: the default store.path
    mkdirSync(join(home.dir, 'data'), { mode: 0o700 });
    const expected = await withSqlite(configured, async (store) => {
      await populate(store);
      return snapshot(store);
    });
    const target = join(home.dir, 'copy', 'store.sqlite');
    const run = await home.run(['migrate-store', '--to', `sqlite:${target}`]);
    expect(run.stdout).toMatch(new RegExp(`^copying SQLite ${configured} to SQLite ${target}$`, 'm'));
    expect(run.stdout).toMatch(/^verify: 2 users, 75 messages .* match the source/m);
    expect(run.code).toBe(0);
    expect(await withSqlite(target, snapshot)).toEqual(expected);
    const same = await home.run(['migrate-store', '--to', configured]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--to names the source store itself/);
  });

  it('prints its usage with --help', async () => {
    const help = await home.run(['migrate-store', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/migrate-store --to URL \[--from URL\] \[--no-verify\]/);
    expect(help.stdout).toMatch(/--from URL/);
  });
});
