// SPEC R12 FETCH throughput, RFC 9051 §6.4.5, §7.5.2: a FETCH of 300 messages — whole bodies (read in
// batches, written in coalesced chunks), ENVELOPE/BODYSTRUCTURE (rendered, then from the cache without the
// structures) and sections beside whole bodies — answers byte for byte what FETCHes of each single message
// answer, over plain TCP and over TLS, through a raw socket that keeps every octet.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;
const COUNT = 300;

/** A raw IMAP client: sends a command, returns the untagged octets before its tagged reply, literal-aware. */
class RawImap {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private n = 0;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
  }

  static async open(port: number, tls: boolean): Promise<RawImap> {
    const sock = tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : tcpConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      sock.once(tls ? 'secureConnect' : 'connect', () => resolve());
      sock.once('error', reject);
    });
    const c = new RawImap(sock);
    await c.untilLine((l) => l.startsWith('* OK'));
    return c;
  }

  private async more(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the server')), 20_000);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Consumes responses until a line (outside literals) satisfies `done`; returns the octets before that line. */
  private async untilLine(done: (line: string) => boolean): Promise<{ before: Buffer; line: string }> {
    let pos = 0;
    for (;;) {
      const eol = this.buf.indexOf('\r\n', pos);
      if (eol < 0) {
        await this.more();
        continue;
      }
      const line = this.buf.toString('latin1', pos, eol);
      if (done(line)) {
        const before = this.buf.subarray(0, pos);
        this.buf = this.buf.subarray(eol + 2);
        return { before, line };
      }
      const lit = /\{(\d+)\}$/.exec(line);
      const next = eol + 2 + (lit ? Number(lit[1]) : 0);
      while (this.buf.length < next) await this.more();
      pos = next;
    }
  }

  async cmd(command: string): Promise<Buffer> {
    const tag = `t${++this.n}`;
    this.sock.write(`${tag} ${command}\r\n`);
    const { before, line } = await this.untilLine((l) => l.startsWith(`${tag} `));
    expect(line).toMatch(new RegExp(`^${tag} OK`));
    return Buffer.from(before);
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Messages of assorted shapes and sizes: across the 32 KiB direct-write and 128 KiB chunk sizes, 8-bit text. */
function message(i: number): string {
  const head = [
    `From: "Sender ${i}" <sender${i}@example.net>`,
    `To: alice@example.org${i % 3 === 0 ? ', "Bob B." <bob@example.org>' : ''}`,
    `Subject: ${i % 5 === 0 ? '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=' : 'report'} number ${i}`,
    `Date: Mon, 23 Nov 2026 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <m${i}@example.net>`,
    'MIME-Version: 1.0',
  ];
  const fill = (n: number): string => Array.from({ length: Math.ceil(n / 64) }, (_, k) => `line ${k} of message ${i} `.padEnd(62, 'x')).join('\r\n');
  const size = i % 50 === 7 ? 200_000 : i % 10 === 3 ? 40_000 : i % 4 === 1 ? 9_000 : 300;
  if (i % 2 === 0) return [...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', `Gr\u00fc\u00dfe ${i}`, fill(size), ''].join('\r\n');
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    fill(size),
    '--B',
    'Content-Type: application/octet-stream; name="a.bin"',
    'Content-Disposition: attachment; filename="a.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(`attachment ${i}`).toString('base64'),
    '--B--',
    '',
  ].join('\r\n');
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  const alice = await t.addUser('alice@example.org', 'pw-alice');
  for (let i = 0; i < COUNT; i++) {
    await t.server.store.deliver({
      body: Buffer.from(message(i), 'utf8'),
      recipients: [{ userId: alice, prefix: Buffer.from(`Delivered-To: alice@example.org\r\nX-N: ${i}\r\n`) }],
      internalDate: new Date(Date.UTC(2026, 10, 23, 10, 0, i)),
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
  }
}, 60_000);
afterAll(() => t.stop());

/** The FETCH of 1:* against the concatenated FETCHes of each message, in one session. */
async function compare(c: RawImap, items: string): Promise<Buffer> {
  const all = await c.cmd(`UID FETCH 1:* ${items}`);
  const singles: Buffer[] = [];
  for (let uid = 1; uid <= COUNT; uid++) singles.push(await c.cmd(`UID FETCH ${uid} ${items}`));
  expect(all.equals(Buffer.concat(singles))).toBe(true);
  return all;
}

describe('a FETCH of many messages equals the FETCHes of each', () => {
  for (const tls of [false, true]) {
    it(`BODY.PEEK[], ENVELOPE/BODYSTRUCTURE (rendered, then cached) and sections beside bodies${tls ? ' over TLS' : ''}`, async () => {
      const c = await RawImap.open(t.port('imap', tls ? 1 : 0), tls);
      try {
        await c.cmd('LOGIN alice@example.org pw-alice');
        await c.cmd('SELECT INBOX');
        const bodies = await compare(c, 'BODY.PEEK[]');
        expect(bodies.toString('latin1').match(/^\* \d+ FETCH \(UID \d+ BODY\[\] \{\d+\}\r\n/gm)).toHaveLength(COUNT);
        expect(bodies.length).toBeGreaterThan(6 * 200_000);
        // A partial of the whole length is read by range, one message at a time (the path before batching).
        const ranged = await c.cmd('UID FETCH 1:* BODY.PEEK[]<0.100000000>');
        expect(ranged.toString('latin1').replaceAll('BODY[]<0> {', 'BODY[] {')).toBe(bodies.toString('latin1'));
        const meta = '(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)';
        const first = await compare(c, meta); // the first session renders (or finds the other test's renderings)
        expect(await c.cmd(`UID FETCH 1:* ${meta}`)).toEqual(first); // all from the cache: no structures read
        expect(first.toString('latin1')).toContain('ENVELOPE ("Mon, 23 Nov 2026 10:07:00 +0000" "report number 7"');
        await compare(c, '(BINARY.PEEK[] BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[1]<2.30> RFC822.SIZE BODY.PEEK[])');
        await compare(c, '(BODY BODY.PEEK[]<100.20> FLAGS)');
      } finally {
        c.close();
      }
    }, 120_000);
  }
});
