// FETCH of large messages (issue 12 item 13, R11.2; RFC 9051 §6.4.5, §7.5.2): literals above STREAM_BYTES are
// streamed a window at a time from the chunked store. Over a raw socket, every streamed item (BODY[], RFC822,
// RFC822.TEXT, BODY[TEXT], BODY[n], partials) answers exactly the octets of the message, beside small items,
// HEADER.FIELDS and BINARY (read whole), and a FETCH of several messages equals the FETCHes of each.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_BYTES } from '../../../src/imap/fetch/body-section.js';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

const PREFIX = 'Delivered-To: alice@example.org\r\n';

/** A multipart message: a text part and a base64 attachment, each above STREAM_BYTES. */
function largeMessage(): { raw: string; text: string; attachment: string; attachmentBytes: Buffer } {
  const lines = Array.from({ length: Math.ceil((STREAM_BYTES * 1.5) / 70) }, (_, k) => `line ${k} of the text part `.padEnd(68, 'y'));
  const text = lines.join('\r\n');
  const attachmentBytes = Buffer.from(Array.from({ length: STREAM_BYTES + 4321 }, (_, k) => (k * 7919) % 256));
  const attachment = (attachmentBytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  const raw = [
    'From: a@example.net',
    'To: alice@example.org',
    'Subject: large',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    text,
    '--B',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    '--B--',
    '',
  ].join('\r\n');
  return { raw, text, attachment, attachmentBytes };
}

const big = largeMessage();
let t: TestServer;
let aliceId = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  const alice = await t.addUser('alice@example.org', 'pw-alice');
  aliceId = alice;
  for (const body of ['Subject: small\r\n\r\nsmall one\r\n', big.raw, 'Subject: small 2\r\n\r\nanother\r\n']) {
    await t.server.store.deliver({
      body: Buffer.from(body, 'latin1'),
      recipients: [{ userId: alice, prefix: Buffer.from(PREFIX) }],
      internalDate: new Date(Date.UTC(2026, 10, 23, 10, 0, 0)),
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
  }
}, 60_000);
afterAll(() => t.stop());

/** The literal that follows `name {n}\r\n` (or `name ~{n}\r\n`, RFC 3516 literal8) in a FETCH response. */
function literalOf(untagged: string, name: string): string {
  const at = untagged.indexOf(`${name} `);
  expect(at, `${name} in the response`).toBeGreaterThanOrEqual(0);
  const m = /~?\{(\d+)\}\r\n/y;
  m.lastIndex = at + name.length + 1;
  const found = m.exec(untagged);
  expect(found).not.toBeNull();
  return untagged.slice(m.lastIndex, m.lastIndex + Number(found![1]));
}

describe('FETCH of a message above STREAM_BYTES', () => {
  it('streams BODY[], RFC822, TEXT, parts and partials with exactly the stored octets', async () => {
    const c = await RawImap.open(t.port('imap'));
    try {
      expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
      expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
      const served = PREFIX + big.raw;
      const whole = await c.cmd('UID FETCH 2 (BODY.PEEK[] RFC822.SIZE)');
      expect(whole.tagged).toMatch(/OK/);
      expect(literalOf(whole.untagged, 'BODY[]')).toBe(served);
      expect(whole.untagged).toContain(`RFC822.SIZE ${served.length}`);
      const bodyStart = served.indexOf('\r\n\r\n') + 4;
      const text = await c.cmd('UID FETCH 2 (BODY.PEEK[TEXT] BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[HEADER.FIELDS (Subject)] BINARY.PEEK[2])');
      expect(literalOf(text.untagged, 'BODY[TEXT]')).toBe(served.slice(bodyStart));
      expect(literalOf(text.untagged, 'BODY[1]')).toBe(big.text);
      expect(literalOf(text.untagged, 'BODY[2]')).toBe(big.attachment);
      expect(literalOf(text.untagged, 'BODY[HEADER.FIELDS (Subject)]')).toBe('Subject: large\r\n\r\n');
      expect(Buffer.from(literalOf(text.untagged, 'BINARY[2]'), 'latin1').equals(big.attachmentBytes)).toBe(true);
      const partial = await c.cmd(`UID FETCH 2 (BODY.PEEK[]<7.${STREAM_BYTES + 99}> BODY.PEEK[1]<5.${STREAM_BYTES * 9}>)`);
      expect(literalOf(partial.untagged, 'BODY[]<7>')).toBe(served.slice(7, 7 + STREAM_BYTES + 99));
      expect(literalOf(partial.untagged, 'BODY[1]<5>')).toBe(big.text.slice(5));
      const rfc822 = await c.cmd('UID FETCH 2 (RFC822 RFC822.TEXT)');
      expect(literalOf(rfc822.untagged, 'RFC822')).toBe(served);
      expect(literalOf(rfc822.untagged, 'RFC822.TEXT')).toBe(served.slice(bodyStart));
      // Several messages, the large one streamed between two read in a batch, equal the FETCHes of each.
      const items = '(UID BODY.PEEK[] BODY.PEEK[TEXT])';
      const all = await c.cmd(`UID FETCH 1:3 ${items}`);
      const each = [];
      for (const uid of [1, 2, 3]) each.push((await c.cmd(`UID FETCH ${uid} ${items}`)).untagged);
      expect(all.untagged).toBe(each.join(''));
    } finally {
      c.close();
    }
  }, 60_000);

  it('ends the connection when the message goes while its literal is being sent (the length is promised)', async () => {
    // Large enough to fill the loopback socket buffers while the client does not read.
    const body = Buffer.alloc(24 * 1024 * 1024, 'x');
    Buffer.from('Subject: doomed\r\n\r\n').copy(body);
    await t.server.store.deliver({
      body,
      recipients: [{ userId: aliceId, prefix: Buffer.alloc(0) }],
      internalDate: new Date(),
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
    const inbox = await t.server.store.getMailbox(aliceId, 'INBOX');
    const uid = Math.max(...(await t.server.store.listUids(aliceId, inbox.id)));
    const sock = connect({ port: t.port('imap'), host: '127.0.0.1' });
    let received = ''; // the first megabyte: replies up to the literal's start
    let tail = ''; // the last octets: where a tagged reply would be
    let closed = false;
    sock.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      if (received.length < 1024 * 1024) received += text;
      tail = (tail + text).slice(-1000);
    });
    sock.on('error', () => undefined);
    const closedNow = new Promise<void>((resolve) => sock.on('close', () => {
      closed = true;
      resolve();
    }));
    const waitFor = async (text: string): Promise<void> => {
      for (let i = 0; i < 200 && !received.includes(text); i++) await new Promise((r) => setTimeout(r, 25));
      expect(received).toContain(text);
    };
    await waitFor('* OK');
    sock.write('a LOGIN alice@example.org pw-alice\r\nb SELECT INBOX\r\n');
    await waitFor('b OK');
    sock.write(`c UID FETCH ${uid} BODY.PEEK[]\r\n`);
    await waitFor(`BODY[] {${body.length}}`);
    sock.pause(); // the server fills the socket and waits for it to drain
    await new Promise((r) => setTimeout(r, 300));
    await t.server.store.expunge(aliceId, inbox.id, { uids: [uid], force: true });
    sock.resume();
    await Promise.race([closedNow, new Promise((r) => setTimeout(r, 20_000))]);
    expect(closed).toBe(true);
    expect(tail).not.toContain('c OK');
    sock.destroy();
  }, 60_000);
});
