// R10.5, R1.5 graceful shutdown of `postern serve` (child process): SIGTERM while a DATA body is still
// arriving lets that delivery finish with 250 and be stored, tells an idle session `421 4.3.2` and closes
// it, and the process exits 0.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempHome } from '../../support/cli.js';
import { sqliteOnlySuite } from '../../support/server.js';
import { ConnectionGone, dotStuff, LmtpWire } from '../../support/lmtp-wire.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

const home = tempHome(
  [
    'hostname: shutdown.test.example',
    'listeners:',
    '  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }',
    'lmtp: { verify: false }',
    'auth: { scramIterations: 4096 }',
    'log: { level: info }',
    '',
  ].join('\n'),
);
let server: ServeProcess | undefined;
const wires: LmtpWire[] = [];

beforeAll(async () => {
  const r = await home.run(['user', 'add', 'alice'], 'shutdown-test-pw\n');
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  for (const w of wires) w.destroy();
  await server?.dispose();
  home.cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** About 2 MB of CRLF text, some lines starting with a dot. */
function bigMessage(): Buffer {
  const lines = ['From: <sender@shutdown.test>', 'To: <alice@shutdown.test>', 'Subject: in flight', 'Message-ID: <inflight@shutdown.test>', ''];
  for (let i = 0; i < 26_000; i++) lines.push(`${i % 97 === 0 ? '.' : ''}line ${i} of a slow delivery that must survive SIGTERM ${'x'.repeat(i % 23)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

async function connect(port: number): Promise<LmtpWire> {
  const w = await LmtpWire.connect(port);
  wires.push(w);
  await w.hello('mta.shutdown.test');
  return w;
}

sqliteOnlySuite('runs `postern serve` as a child process on a SQLite home of its own (the same test as the SQLite run)')('postern serve: SIGTERM during a delivery', () => {
  it('finishes the delivery in flight, sends 421 4.3.2 to an idle session, and exits 0', async () => {
    server = await startServeProcess(home.env);
    const port = await server.port('lmtp');
    const busy = await connect(port);
    const idle = await connect(port);

    expect((await busy.command('MAIL FROM:<sender@shutdown.test>')).code).toBe(250);
    expect((await busy.command('RCPT TO:<alice@shutdown.test>')).code).toBe(250);
    expect((await busy.command('DATA')).code).toBe(354);

    const message = bigMessage();
    const wire = dotStuff(message); // ends with the final ".\r\n"
    const PIECES = 40;
    const piece = Math.ceil(wire.length / PIECES);
    const chunk = (i: number): Buffer => wire.subarray(i * piece, Math.min(wire.length, (i + 1) * piece));
    for (let i = 0; i < PIECES / 4; i++) {
      await busy.write(chunk(i));
      await sleep(20);
    }

    // SIGTERM with most of the body still to come (the final dot is in the last piece).
    server.kill('SIGTERM');
    await server.waitFor((l) => l.msg === 'shutting down', 5000);

    // The idle session is told at once and closed, while the other delivery is still arriving.
    const notice = await idle.readReply(5000);
    expect(notice.code).toBe(421);
    expect(notice.lines[0]).toMatch(/^4\.3\.2 /);
    await expect(idle.readLine(5000)).rejects.toBeInstanceOf(ConnectionGone);
    expect(idle.closed).toBe(true);

    for (let i = PIECES / 4; i < PIECES; i++) {
      await busy.write(chunk(i));
      await sleep(20);
    }
    const stored = await busy.readReply(10_000);
    expect(stored.code, stored.raw).toBe(250);
    expect(stored.lines[0]).toMatch(/^2\.0\.0 <alice@shutdown\.test>/);
    // Then the session ends: a 421 at the next command boundary, or a close.
    const after = await busy.readReply(5000).catch((err: unknown) => err);
    if (!(after instanceof ConnectionGone)) expect(after).toMatchObject({ code: 421 });
    await Promise.race([busy.whenClosed, sleep(5000)]);
    expect(busy.closed).toBe(true);

    const exit = await Promise.race([server.exited, sleep(15_000).then(() => null)]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.lines.some((l) => l.msg === 'stopped')).toBe(true);
    expect(server.stderr()).toBe('');
    server = undefined;

    // The delivery acknowledged during shutdown is on disk, whole.
    const store = await openSqliteStore({ path: join(home.dir, 'data/postern.sqlite') });
    try {
      const alice = await store.findUser('alice');
      expect(alice).not.toBeNull();
      const inbox = await store.getMailbox(alice!.id, 'INBOX');
      const metas = await store.listMessages(alice!.id, inbox.id);
      expect(metas).toHaveLength(1);
      const buf = await store.readMessage(alice!.id, inbox.id, metas[0]!.uid);
      expect(buf.length).toBeGreaterThan(message.length);
      expect(sha256(buf.subarray(buf.length - message.length))).toBe(sha256(message));
      expect(buf.toString('latin1', 0, 200)).toMatch(/^Return-Path: <sender@shutdown\.test>\r\nDelivered-To: alice@shutdown\.test\r\n/);
    } finally {
      await store.close();
    }
    const check = await home.run(['check']);
    expect(check.code, check.stdout).toBe(0);
  }, 60_000);
});
