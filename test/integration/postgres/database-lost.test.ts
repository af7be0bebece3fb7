// Issue 18 item 6 (failover behaviour): a front end whose PostgreSQL goes away answers with temporary failures —
// LMTP 451 4.3.0 (the MTA keeps the mail and retries), IMAP NO [UNAVAILABLE] — and acknowledges nothing it did not
// commit; once the database is back it serves again without a restart, and an IDLE session still opened before
// the loss learns of mail delivered after it (the listening connection reconnects and re-reads).
// A private cluster of its own: the run's shared one must not go away under other tests.
import { ImapFlow } from 'imapflow';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgBin, pgUrl, startPgCluster, type PgCluster } from '../../../bench/lib/pg-cluster.mjs';
import { RawImap } from '../../support/imap-raw.js';
import { dotStuff, LmtpWire } from '../../support/lmtp-wire.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const bin = findPgBin();
let cluster: PgCluster;
let t: TestServer;

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }
`;

/** One delivery; the reply that decided it: RCPT's when it refused the recipient, else the one after DATA. */
async function deliver(subject: string): Promise<number> {
  const wire = await LmtpWire.connect(t.port('lmtp'));
  try {
    await wire.hello('mta.example.org');
    const mail = await wire.command('MAIL FROM:<s@example.org>');
    if (mail.code !== 250) return mail.code;
    const rcpt = await wire.command('RCPT TO:<lost@example.org>');
    if (rcpt.code !== 250) return rcpt.code;
    const r = await sendDataOnly(wire, subject);
    await wire.command('QUIT').catch(() => undefined);
    return r;
  } finally {
    wire.destroy();
  }
}

async function sendDataOnly(wire: LmtpWire, subject: string): Promise<number> {
  const go = await wire.command('DATA');
  if (go.code !== 354) return go.code;
  await wire.write(dotStuff(Buffer.from(`Subject: ${subject}\r\n\r\nbody\r\n`)));
  return (await wire.readReply()).code;
}

describe.skipIf(bin === null)('a front end whose PostgreSQL goes away and comes back', () => {
  beforeAll(async () => {
    cluster = startPgCluster(bin!);
    const admin = new pg.Client({ connectionString: pgUrl(cluster, 'postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE lost');
    await admin.end();
    t = await startTestServer({ store: `store: { backend: postgres, url: ${JSON.stringify(pgUrl(cluster, 'lost'))} }`, listeners: LISTENERS, auth: PLAINTEXT_AUTH });
    await t.addUser('lost@example.org', 'pw');
  });
  afterAll(async () => {
    await t?.stop();
    cluster?.stop();
  });

  it('answers 451 and NO [UNAVAILABLE] meanwhile, and serves again, IDLE included, once it is back', async () => {
    expect(await deliver('before')).toBe(250);
    const c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user: 'lost@example.org', pass: 'pw' }, logger: false });
    await c.connect();
    const raw = await RawImap.open(t.port('imap'));
    try {
      expect((await raw.cmd('LOGIN lost@example.org pw')).tagged).toMatch(/ OK /);
      await c.mailboxOpen('INBOX');
      cluster.pause();
      expect(await deliver('while away')).toBe(451); // at RCPT: the recipient cannot be looked up
      expect((await raw.cmd('STATUS Drafts (MESSAGES)')).tagged).toMatch(/ NO \[UNAVAILABLE\] /);
      cluster.resume();
      let code = 0;
      for (let i = 0; i < 100 && code !== 250; i++) {
        code = await deliver('after');
        if (code !== 250) await new Promise((r) => setTimeout(r, 100));
      }
      expect(code).toBe(250);
      const status = await c.status('INBOX', { messages: true });
      expect(status && status.messages).toBe(2); // before and after; nothing of the 451
      const exists = new Promise<number>((resolve) => c.on('exists', (e: { count: number }) => resolve(e.count)));
      const idling = c.idle();
      expect(await deliver('to the idle session')).toBe(250);
      expect(await exists).toBe(3);
      await c.noop();
      await idling;
    } finally {
      raw.close();
      await c.logout().catch(() => undefined);
    }
  }, 60_000);
});
