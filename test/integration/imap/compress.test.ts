// COMPRESS=DEFLATE (RFC 4978) over real sockets: imapflow negotiates it and works through it (a 2 MB message
// fetched back whole), a raw client with node's zlib sees the tagged OK uncompressed and everything after it
// compressed, a second COMPRESS is NO [COMPRESSIONACTIVE], bytes pipelined after the command are inflated, and a
// decompression bomb (a 384 MB line that deflates to a few hundred KB) meets the line limit, not memory (R11.2).
import { connect, type Socket } from 'node:net';
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw } from 'node:zlib';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const MB = 1024 * 1024;

let t: TestServer;
let users = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function newUser(): Promise<string> {
  const name = `z${++users}@example.org`;
  await t.addUser(name, 'pw');
  return name;
}

/** A raw IMAP client that can switch to raw deflate both ways (RFC 4978 §3). */
class ZClient {
  private text = '';
  private wake: (() => void) | null = null;
  private closed = false;
  private deflate: DeflateRaw | null = null;
  private n = 0;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => this.received(d));
    sock.on('close', () => this.ended());
    sock.on('error', () => undefined);
  }

  private ended(): void {
    this.closed = true;
    this.wake?.();
  }

  static async open(): Promise<ZClient> {
    const sock = connect({ host: '127.0.0.1', port: t.port('imap', 0) });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const c = new ZClient(sock);
    await c.until((l) => l.startsWith('* OK'));
    return c;
  }

  private received(d: Buffer): void {
    this.text += d.toString('latin1');
    this.wake?.();
  }

  /** From now on the client compresses what it sends and inflates what it reads. */
  compress(): void {
    const inflate = createInflateRaw();
    this.sock.removeAllListeners('data');
    // The inflater works off the event loop: the socket may close while it still holds the server's last bytes
    // (the BYE and tagged OK of LOGOUT), so the connection counts as closed only once the inflater is done too.
    this.sock.removeAllListeners('close');
    this.sock.pipe(inflate);
    inflate.on('data', (d: Buffer) => this.received(d));
    inflate.on('error', () => this.sock.destroy());
    inflate.on('close', () => this.ended());
    this.sock.on('close', () => inflate.end()); // a reset socket never ends the pipe itself
    this.deflate = createDeflateRaw();
    this.deflate.on('data', (d: Buffer) => this.sock.write(d));
  }

  /** Writes octets (compressed once compress() was called), flushed at once. */
  async write(data: string | Buffer): Promise<void> {
    if (this.deflate === null) {
      this.sock.write(data);
      return;
    }
    const deflate = this.deflate;
    if (!deflate.write(data)) await new Promise((r) => deflate.once('drain', r));
    await new Promise<void>((r) => deflate.flush(constants.Z_SYNC_FLUSH, () => r()));
  }

  async until(done: (line: string) => boolean, ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const lines = this.text.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (done(lines[i]!)) {
          const out = lines.slice(0, i + 1).join('\r\n');
          this.text = lines.slice(i + 1).join('\r\n');
          return out;
        }
      }
      if (this.closed) throw new Error(`connection closed; received ${JSON.stringify(this.text.slice(0, 200))}`);
      if (Date.now() > deadline) throw new Error('timed out waiting for the server');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  async cmd(command: string): Promise<string> {
    const tag = `c${++this.n}`;
    await this.write(`${tag} ${command}\r\n`);
    return this.until((l) => l.startsWith(`${tag} `));
  }

  close(): void {
    this.sock.destroy();
  }
}

describe('COMPRESS=DEFLATE (RFC 4978)', () => {
  it('is advertised after login only, and imapflow works through it', async () => {
    const name = await newUser();
    const c = await ZClient.open();
    expect(await c.cmd('CAPABILITY')).not.toMatch(/COMPRESS=DEFLATE/);
    expect(await c.cmd(`LOGIN ${name} pw`)).toMatch(/ OK /);
    expect(await c.cmd('CAPABILITY')).toMatch(/^\* CAPABILITY .* COMPRESS=DEFLATE( |\r?$)/m);
    c.close();

    const flow = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: false, auth: { user: name, pass: 'pw' }, logger: false, disableCompression: false });
    await flow.connect();
    const body = `Subject: big\r\nFrom: a@example.org\r\n\r\n${'compressible line of text 0123456789\r\n'.repeat((2 * MB) / 38)}`;
    await flow.append('INBOX', body);
    await flow.mailboxOpen('INBOX');
    const msg = await flow.fetchOne('1', { source: true });
    expect(msg && msg.source?.toString('latin1')).toBe(body);
    await flow.logout();
    const end = t.logs.filter((l) => l.msg === 'session end' && l.user === name).at(-1);
    // imapflow compressed: the bytes it sent in are far fewer than the 2 MB message it appended.
    expect(Number(end?.bytesIn)).toBeLessThan(MB / 4);
  });

  it('answers OK uncompressed, then compresses both ways; a second COMPRESS is NO [COMPRESSIONACTIVE]', async () => {
    const name = await newUser();
    const c = await ZClient.open();
    expect(await c.cmd('COMPRESS DEFLATE')).toMatch(/^c1 BAD /); // not before authentication
    expect(await c.cmd(`LOGIN ${name} pw`)).toMatch(/ OK /);
    expect(await c.cmd('COMPRESS X-UNKNOWN')).toMatch(/^c3 BAD /);
    expect(await c.cmd('COMPRESS DEFLATE')).toBe('c4 OK DEFLATE active');
    c.compress();
    expect(await c.cmd('NOOP')).toBe('c5 OK NOOP completed');
    expect(await c.cmd('COMPRESS DEFLATE')).toBe('c6 NO [COMPRESSIONACTIVE] DEFLATE is already active');
    expect(await c.cmd('SELECT INBOX')).toMatch(/\* 0 EXISTS\r\n[^]*c7 OK \[READ-WRITE\]/);
    expect(await c.cmd('LOGOUT')).toMatch(/\* BYE[^]*c8 OK/);
    c.close();
  });

  it('inflates what the client sent right after the command, in the same packet', async () => {
    const name = await newUser();
    const c = await ZClient.open();
    expect(await c.cmd(`LOGIN ${name} pw`)).toMatch(/ OK /);
    const deflate = createDeflateRaw();
    const chunks: Buffer[] = [];
    deflate.on('data', (d: Buffer) => chunks.push(d));
    deflate.write('p2 NOOP\r\n');
    await new Promise<void>((r) => deflate.flush(constants.Z_SYNC_FLUSH, () => r()));
    await c.write(Buffer.concat([Buffer.from('p1 COMPRESS DEFLATE\r\n'), ...chunks]));
    expect(await c.until((l) => l.startsWith('p1 '))).toBe('p1 OK DEFLATE active');
    c.compress();
    expect(await c.until((l) => l.startsWith('p2 '))).toBe('p2 OK NOOP completed');
    c.close();
  });

  it('refuses a 384 MB compressed line at the line limit, without holding it (R11.2)', async () => {
    const name = await newUser();
    const c = await ZClient.open();
    expect(await c.cmd(`LOGIN ${name} pw`)).toMatch(/ OK /);
    expect(await c.cmd('COMPRESS DEFLATE')).toMatch(/ OK /);
    c.compress();
    const before = process.memoryUsage();
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const block = Buffer.alloc(MB, 'a');
    await c.write('b1 NOOP ');
    for (let i = 0; i < 384; i++) await c.write(block);
    await c.write('\r\n');
    const answer = await c.until((l) => l.startsWith('* BAD') || l.startsWith('b1 '));
    clearInterval(sampler);
    expect(answer).toMatch(/^\* BAD \[TOOBIG\]/);
    expect(await c.cmd('NOOP')).toMatch(/ OK NOOP completed$/); // the session goes on
    // Holding the line would take 384 MB; bounded reading takes a few chunks (plus garbage not yet collected).
    if (process.env.POSTERN_MEMORY_VERBOSE === "1") console.log(`compressed-line peak growth ${((peak - before.rss) / MB).toFixed(1)} MB`);
    expect(peak - before.rss).toBeLessThan(128 * MB);
    c.close();
  }, 120_000);
});
