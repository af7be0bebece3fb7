// Issue 18 items 2 and 3 over real sockets: two front ends (two Postern servers, each with its own pool and its own
// LISTEN connection) on one PostgreSQL database. IDLE on B learns of a delivery, a flag change and an expunge made
// through A; deliveries to one mailbox through A and B at once get strictly ascending, unique UIDs and exact
// counters. (Latency is measured by the benchmark, not asserted here.)
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpWire, sendMessage } from '../../support/lmtp-wire.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../support/postgres.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }
`;

let db: TestDatabase;
let a: TestServer;
let b: TestServer;

function imap(server: TestServer, user: string): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: server.port('imap'),
    secure: false,
    auth: { user, pass: 'pw' },
    logger: false,
    disableAutoIdle: true,
  });
}

async function deliver(server: TestServer, to: string, messages: readonly string[]): Promise<void> {
  const wire = await LmtpWire.connect(server.port('lmtp'));
  try {
    await wire.hello('mta.example.org');
    for (const m of messages) {
      const r = await sendMessage(wire, 'sender@example.org', [to], Buffer.from(m));
      expect(r.final.get(to)?.code).toBe(250);
    }
    await wire.command('QUIT');
  } finally {
    wire.destroy();
  }
}

const message = (id: string): string => `From: s@example.org\r\nTo: u@example.org\r\nSubject: ${id}\r\nMessage-ID: <${id}@example.org>\r\n\r\nbody ${id}\r\n`;

function until<T>(what: string, register: (resolve: (v: T) => void) => void, ms = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    register((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

describe.skipIf(!pgAvailable)('two front ends on one PostgreSQL database', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    const store = `store: { backend: postgres, url: ${JSON.stringify(db.url)} }`;
    a = await startTestServer({ store, listeners: LISTENERS, auth: PLAINTEXT_AUTH });
    b = await startTestServer({ store, listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  it('IDLE on B sees a delivery, a flag change and an expunge made through A', async () => {
    await a.addUser('idle@example.org', 'pw');
    const watcher = imap(b, 'idle@example.org');
    const actor = imap(a, 'idle@example.org');
    await watcher.connect();
    await actor.connect();
    try {
      await watcher.mailboxOpen('INBOX');
      const exists = until<number>('EXISTS on B', (r) => watcher.on('exists', (e: { count: number }) => r(e.count)));
      const idling = watcher.idle();
      await deliver(a, 'idle@example.org', [message('first')]);
      expect(await exists).toBe(1);
      await watcher.noop(); // ends IDLE
      await idling;

      const flags = until<string[]>('FETCH FLAGS on B', (r) => watcher.on('flags', (e: { flags: Set<string> }) => r([...e.flags])));
      const idling2 = watcher.idle();
      await actor.mailboxOpen('INBOX');
      await actor.messageFlagsAdd('1', ['\\Flagged']);
      expect(await flags).toContain('\\Flagged');
      await watcher.noop();
      await idling2;

      const expunge = until<number>('EXPUNGE on B', (r) => watcher.on('expunge', (e: { seq: number }) => r(e.seq)));
      const idling3 = watcher.idle();
      await actor.messageDelete('1');
      expect(await expunge).toBe(1);
      await watcher.noop();
      await idling3;
    } finally {
      await watcher.logout();
      await actor.logout();
    }
  });

  it('deliveries through A and B at once get strictly ascending, unique UIDs and exact counters', async () => {
    await a.addUser('both@example.org', 'pw');
    const per = 25;
    const ids = (tag: string) => Array.from({ length: per }, (_, i) => `${tag}${i}`);
    await Promise.all([
      deliver(a, 'both@example.org', ids('a').map(message)),
      deliver(b, 'both@example.org', ids('b').map(message)),
      deliver(a, 'both@example.org', ids('c').map(message)),
      deliver(b, 'both@example.org', ids('d').map(message)),
    ]);
    const c = imap(b, 'both@example.org');
    await c.connect();
    try {
      const status = await c.status('INBOX', { messages: true, unseen: true, uidNext: true });
      if (!status) throw new Error('STATUS failed');
      expect(status.messages).toBe(4 * per);
      expect(status.unseen).toBe(4 * per);
      await c.mailboxOpen('INBOX');
      const fetched = await c.fetchAll('1:*', { uid: true, envelope: true });
      const uids = fetched.map((m) => m.uid);
      expect(uids).toEqual([...uids].sort((x, y) => x - y));
      expect(new Set(uids).size).toBe(4 * per);
      expect(status.uidNext).toBeGreaterThan(Math.max(...uids));
      const subjects = fetched.map((m) => m.envelope?.subject).sort();
      expect(subjects).toEqual([...ids('a'), ...ids('b'), ...ids('c'), ...ids('d')].sort());
    } finally {
      await c.logout();
    }
  });

  it('a POP3 maildrop open through A is [IN-USE] through B until A quits (RFC 1939 §8 across front ends)', async () => {
    await a.addUser('pop@example.org', 'pw');
    await deliver(b, 'pop@example.org', [message('pop1')]);
    const onA = await Pop3Client.open(a.port('pop3'));
    const onB = await Pop3Client.open(b.port('pop3'));
    try {
      expect((await onA.login('pop@example.org', 'pw')).ok).toBe(true);
      const refused = await onB.login('pop@example.org', 'pw');
      expect(refused.ok).toBe(false);
      expect(refused.line).toContain('[IN-USE]');
      expect((await onA.cmd('QUIT')).ok).toBe(true);
      const again = await Pop3Client.open(b.port('pop3'));
      try {
        expect((await again.login('pop@example.org', 'pw')).ok).toBe(true);
        expect((await again.cmd('STAT')).line).toMatch(/^\+OK 1 /);
        await again.cmd('QUIT');
      } finally {
        again.close();
      }
    } finally {
      onA.close();
      onB.close();
    }
  });
});
