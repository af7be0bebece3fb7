// R3.1–R3.3, R5.4, R6, R1.3, R1.4, R2.2, R2.3: REQUIRETLS stored and counted (Unix socket, STARTTLS), refused on
// plain TCP; SASL EXTERNAL with a client certificate from the local CA; SCRAM-SHA-256 over a raw socket;
// AUTH= believed only when trusted; per-recipient replies that differ; DKIM pass and fail via a stub
// resolver; a client that hangs up mid-DATA stores nothing; disguised forged Authentication-Results fields
// (over-long, RFC 2047 encoded, Unicode-padded) gone from what IMAP serves, and counted.
import { ImapFlow } from 'imapflow';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCertificateSet } from '../../../src/tls/certificate-files.js';
import { crlf, makeDkimKey, signMessage, stubResolver } from '../../fixtures/delivery/dns-stub.js';
import { onPostgres, startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';
import { ScramClient } from '../../unit/sasl/scram-client.js';

const caDir = mkdtempSync(join(tmpdir(), 'postern-ca-'));
const certs = writeCertificateSet(caDir, {
  hostName: 'mx.test.example',
  clientUsers: [{ user: 'alice@example.org', email: 'alice@example.org' }],
});
const dkim = makeDkimKey();
const resolver = stubResolver({ 'sel._domainkey.signer.example': { TXT: [[dkim.txt]] } });

let t: TestServer;
let alice: number;
let full: number;

beforeAll(async () => {
  t = await startTestServer({
    tls: `tls: { cert: ${certs.server.certFile}, key: ${certs.server.keyFile}, clientCa: ${certs.ca.certFile} }`,
    resolver,
    yaml: 'admdInternalIds: [border.test.example]\n',
    listeners: `listeners:
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: starttls, requireTls: true }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
`,
  });
  alice = await t.addUser('alice@example.org', 'pw-alice');
  full = await t.addUser('full@example.org', 'pw-full', 300);
});
afterAll(async () => {
  await t.stop();
  rmSync(caDir, { recursive: true, force: true });
});

const MESSAGE = 'From: x@sender.example\r\nSubject: t\r\nMessage-ID: <b@x>\r\n\r\nhello\r\n';

async function inbox(userId: number) {
  return t.server.store.getMailbox(userId, 'INBOX');
}

async function lastMessageText(userId: number): Promise<string> {
  const box = await inbox(userId);
  const all = await t.server.store.listMessages(userId, box.id);
  const last = all[all.length - 1]!;
  return (await t.server.store.readMessage(userId, box.id, last.uid)).toString('utf8');
}

/** LHLO, MAIL, RCPT..., DATA and the body; returns the per-recipient replies. */
async function transaction(c: SmtpClient, mailFrom: string, rcpts: string[], body = MESSAGE): Promise<number[]> {
  expect((await c.cmd('LHLO client.test')).code).toBe(250);
  expect((await c.cmd(`MAIL FROM:${mailFrom}`)).code).toBe(250);
  for (const r of rcpts) expect((await c.cmd(`RCPT TO:<${r}>`)).code).toBe(250);
  expect((await c.cmd('DATA')).code).toBe(354);
  c.write(dotStuffed(body));
  const codes: number[] = [];
  for (const _ of rcpts) codes.push((await c.reply()).code);
  return codes;
}

describe('REQUIRETLS (R3)', () => {
  it('is refused on plain TCP with 530 5.7.10 and stores nothing', async () => {
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    await c.reply();
    const lhlo = await c.cmd('LHLO client.test');
    expect(lhlo.text).not.toMatch(/REQUIRETLS/);
    const r = await c.cmd('MAIL FROM:<s@sender.example> REQUIRETLS');
    expect(r.text).toMatch(/^530 5\.7\.10 /);
    c.close();
  });

  it('on the Unix socket: stored with the flag and counted in the mailbox', async () => {
    const before = (await inbox(alice)).requireTlsMessages;
    const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
    await c.reply();
    expect(await transaction(c, '<s@sender.example> REQUIRETLS', ['alice@example.org'])).toEqual([250]);
    c.close();
    const box = await inbox(alice);
    expect(box.requireTlsMessages).toBe(before + 1);
    const msgs = await t.server.store.listMessages(alice, box.id);
    expect(msgs[msgs.length - 1]!.requireTls).toBe(true);
  });

  it('after STARTTLS: offered, stored and counted; Received names LMTPS and the TLS version', async () => {
    const before = (await inbox(alice)).requireTlsMessages;
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    await c.reply();
    await c.cmd('LHLO client.test');
    expect((await c.cmd('STARTTLS')).code).toBe(220);
    await c.startTls();
    const caps = await c.cmd('LHLO client.test');
    expect(caps.text).toMatch(/REQUIRETLS/);
    expect(caps.text).not.toMatch(/STARTTLS/);
    expect((await c.cmd('MAIL FROM:<s@sender.example> REQUIRETLS')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write(dotStuffed('From: x@sender.example\r\nTLS-Required: No\r\nSubject: both\r\n\r\nbody\r\n'));
    expect((await c.reply()).code).toBe(250);
    c.close();
    const box = await inbox(alice);
    expect(box.requireTlsMessages).toBe(before + 1);
    const msgs = await t.server.store.listMessages(alice, box.id);
    const last = msgs[msgs.length - 1]!;
    expect(last.requireTls).toBe(true);
    expect(last.tlsRequiredNo).toBe(true); // recorded; REQUIRETLS wins when both (R3.3)
    expect(await lastMessageText(alice)).toMatch(/with LMTPS\s+\(using\s+TLSv1\.[23]/);
  });
});

describe('SASL on LMTP (R6, R5.4)', () => {
  it('EXTERNAL logs in the user a verified client certificate names; AUTH= then believed', async () => {
    const key = readFileSync(certs.clients[0]!.keyFile, 'utf8');
    const cert = readFileSync(certs.clients[0]!.certFile, 'utf8');
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    await c.reply();
    await c.cmd('LHLO client.test');
    await c.cmd('STARTTLS');
    await c.startTls({ cert, key });
    const caps = await c.cmd('LHLO client.test');
    expect(caps.text).toMatch(/AUTH EXTERNAL/);
    expect((await c.cmd('AUTH EXTERNAL =')).text).toMatch(/^235 2\.7\.0/);
    expect((await c.cmd('AUTH EXTERNAL =')).text).toMatch(/^503 5\.5\.1/);
    expect((await c.cmd('MAIL FROM:<alice@example.org> AUTH=alice@example.org')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write(dotStuffed(MESSAGE));
    expect((await c.reply()).code).toBe(250);
    c.close();
    const text = await lastMessageText(alice);
    expect(text).toMatch(/auth=pass smtp\.auth=alice@example\.org/);
    expect(text).toMatch(/with LMTPSA/);
  });

  it('EXTERNAL is neither offered nor accepted without a certificate', async () => {
    const c = await SmtpClient.connect({ port: t.port('lmtp', 1) }, {});
    await c.reply();
    const caps = await c.cmd('LHLO client.test');
    expect(caps.text).not.toMatch(/EXTERNAL/);
    expect((await c.cmd('AUTH EXTERNAL =')).code).toBe(504);
    c.close();
  });

  it('SCRAM-SHA-256 works without TLS, and a wrong password fails with 535', async () => {
    for (const [password, expected] of [['pw-alice', 235], ['wrong', 535]] as const) {
      const c = await SmtpClient.connect({ port: t.port('lmtp') });
      await c.reply();
      expect((await c.cmd('LHLO client.test')).text).toMatch(/AUTH SCRAM-SHA-256\r?$/m);
      const client = new ScramClient('alice@example.org', password);
      const first = await c.cmd(`AUTH SCRAM-SHA-256 ${client.first().toString('base64')}`);
      expect(first.code).toBe(334);
      const serverFirst = Buffer.from(first.lines[0]!.slice(4), 'base64');
      const second = await c.cmd((await client.final(serverFirst)).toString('base64'));
      if (expected === 235) {
        expect(second.code).toBe(334);
        expect(client.verifyServerFinal(Buffer.from(second.lines[0]!.slice(4), 'base64'))).toBe(true);
        expect((await c.cmd('')).code).toBe(235);
      } else {
        expect(second.text).toMatch(/^535 5\.7\.8/);
      }
      c.close();
    }
  });

  it('AUTH= from an untrusted, unauthenticated client is ignored (R1.3)', async () => {
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    await c.reply();
    expect(await transaction(c, '<x@sender.example> AUTH=mallory@example.org', ['alice@example.org'])).toEqual([250]);
    c.close();
    expect(await lastMessageText(alice)).not.toMatch(/smtp\.auth=/);
  });
});

describe('per-recipient replies (R1.4)', () => {
  it('one recipient over quota after DATA, the other stored', async () => {
    const body = `${MESSAGE}${'x'.repeat(400)}\r\n`;
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    await c.reply();
    expect((await c.cmd('LHLO client.test')).code).toBe(250);
    await c.cmd('MAIL FROM:<s@sender.example>');
    await c.cmd('RCPT TO:<alice@example.org>');
    await c.cmd('RCPT TO:<full@example.org>');
    await c.cmd('DATA');
    c.write(dotStuffed(body));
    const first = await c.reply();
    const second = await c.reply();
    expect(first.text).toMatch(/^250 2\.0\.0 <alice@example\.org>/);
    expect(second.text).toMatch(/^552 5\.2\.2 <full@example\.org>/);
    c.close();
    expect((await inbox(full)).messages).toBe(0);
  });
});

describe('verification at ingest (R2.3)', () => {
  it('stamps dkim=pass for a good signature and dkim=fail when the body was altered', async () => {
    const original = crlf(['From: a@signer.example', 'To: alice@example.org', 'Subject: signed', 'Message-ID: <s1@signer.example>', '', 'signed body', '']);
    const signed = (await signMessage(original, dkim, 'signer.example', 'sel')).toString('utf8');
    for (const [body, verdict] of [[signed, 'pass'], [signed.replace('signed body', 'tampered body'), 'fail']] as const) {
      const c = await SmtpClient.connect({ port: t.port('lmtp') });
      await c.reply();
      expect(await transaction(c, '<a@signer.example>', ['alice@example.org'], body)).toEqual([250]);
      c.close();
      const text = await lastMessageText(alice);
      const ours = text.slice(0, text.indexOf('\r\nReceived:'));
      expect(ours).toMatch(new RegExp(`Authentication-Results: mx\\.test\\.example;[\\s\\S]*dkim=${verdict}[\\s\\S]*header\\.d=signer\\.example`));
    }
    expect(resolver.queries).toContain('TXT sel._domainkey.signer.example');
  });
});

describe('bad input (R11)', () => {
  it('a client that hangs up in the middle of DATA leaves nothing stored', async () => {
    const before = (await inbox(alice)).messages;
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    await c.reply();
    await c.cmd('LHLO client.test');
    await c.cmd('MAIL FROM:<s@sender.example>');
    await c.cmd('RCPT TO:<alice@example.org>');
    await c.cmd('DATA');
    c.write('From: x@y\r\nSubject: cut\r\n\r\nhalf a mess');
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    await new Promise((r) => setTimeout(r, 200));
    expect((await inbox(alice)).messages).toBe(before);
    // `check()` is the SQLite store's consistency check (`postern check`); the PostgreSQL store has no counterpart.
    if (!onPostgres) expect((await t.sqlite().check()).problems).toEqual([]);
  });
});

describe('disguised forged Authentication-Results (R2.2, issue 12 holes 4-6)', () => {
  const ours = 'mx.test.example';
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  const folded = (fill: string): string => Array.from({ length: 74 }, () => fill.repeat(998)).join('\r\n ');
  /** Each forged field carries a marker that must not reach the reader. */
  const forged = (id: string): Buffer[] => [
    Buffer.from(`Authentication-Results: (${folded('x')}) ${id}; dkim=pass header.d=forged-1.example\r\n`),
    Buffer.from(`Authentication-Results:${folded(' ')}\r\n ${id}; dkim=pass header.d=forged-2.example\r\n`),
    Buffer.from(`Authentication-Results: =?us-ascii?q?${id}?=; dkim=pass header.d=forged-3.example\r\n`),
    Buffer.from(`Authentication-Results: =?utf-8?b?${b64(`${id}; dkim=pass header.d=forged-4.example`)}?=\r\n`),
    Buffer.from(`Authentication-Results: \u00a0${id}\ufeff; dkim=pass header.d=forged-5.example\r\n`),
    Buffer.from(`Authentication-Results:\u3000${id.slice(0, 3)}\u200b${id.slice(3)}\u2003; dkim=pass header.d=forged-6.example\r\n`),
    Buffer.concat([Buffer.from('Authentication-Results: '), Buffer.from([0xa0]), Buffer.from(`${id}; dkim=pass header.d=forged-7.example\r\n`)]),
    Buffer.from(`Authentication-Results: ${[...id].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('')}; dkim=pass header.d=forged-8.example\r\n`),
    Buffer.from(`Authentication-Results: (unterminated ${id}; dkim=pass header.d=forged-9.example\r\n`),
  ];
  const keptFields = [
    'Authentication-Results: other.example; spf=pass smtp.mailfrom=kept-1.example\r\n',
    `Authentication-Results: ${ours}.evil.test; dkim=pass header.d=kept-2.example\r\n`,
    `Authentication-Results: evil-${ours}; dkim=pass header.d=kept-3.example\r\n`,
  ].join('');

  function message(id: string, subject: string): Buffer {
    const header = Buffer.concat([...forged(id), Buffer.from(`${keptFields}From: x@sender.example\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@x>\r\n`)]);
    return Buffer.concat([header, Buffer.from('\r\nbody\r\n.\r\n')]);
  }

  async function deliver(target: { port: number } | { path: string }, raw: Buffer): Promise<void> {
    const c = await SmtpClient.connect(target);
    await c.reply();
    expect((await c.cmd('LHLO client.test')).code).toBe(250);
    expect((await c.cmd('MAIL FROM:<x@sender.example>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write(raw);
    expect((await c.reply()).code).toBe(250);
    c.close();
  }

  /** The message with this subject as IMAP serves it (FETCH BODY[] over STARTTLS), and its store row. */
  async function served(subject: string): Promise<{ text: string; forgedFields: number }> {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: t.port('imap'),
      secure: false,
      doSTARTTLS: true,
      auth: { user: 'alice@example.org', pass: 'pw-alice' },
      tls: { rejectUnauthorized: false },
      logger: false,
    });
    await imap.connect();
    try {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const uids = (await imap.search({ header: { 'message-id': `<${subject}@x>` } }, { uid: true })) || [];
        expect(uids).toHaveLength(1);
        const msg = await imap.fetchOne(String(uids[0]), { source: true }, { uid: true });
        if (!msg || !msg.source) throw new Error('no source');
        const box = await inbox(alice);
        const row = (await t.server.store.listMessages(alice, box.id)).find((m) => m.uid === uids[0]);
        return { text: msg.source.toString('utf8'), forgedFields: row!.forgedFields };
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }
  }

  /** What shows field i of `forged(id)` in the served text (field 4 is wholly base64, so its payload). */
  const marker = (id: string, i: number): string =>
    i === 4 ? b64(`${id}; dkim=pass header.d=forged-4.example`) : `forged-${i}.example`;

  function expectOnlyKept(text: string, id: string): void {
    for (let i = 1; i <= 9; i += 1) expect(text).not.toContain(marker(id, i));
    for (let i = 1; i <= 3; i += 1) expect(text).toContain(`kept-${i}.example`);
    expect(text).not.toMatch(/x{998}/);
    // Ours, stamped at delivery, is the only field naming our id.
    expect(text.match(/^Authentication-Results:/gm)).toHaveLength(4);
  }

  it('our id in every disguise: removed from an untrusted client, counted, stored and logged', async () => {
    await deliver({ port: t.port('lmtp') }, message(ours, 'disguised-ours'));
    const { text, forgedFields } = await served('disguised-ours');
    expectOnlyKept(text, ours);
    expect(forgedFields).toBe(9);
    const log = t.logs.filter((l) => l.event === 'delivery' && l.messageId === '<disguised-ours@x>');
    expect(log).toEqual([expect.objectContaining({ forgedRemoved: 9 })]);
  });

  it('our id in every disguise: removed from the trusted Unix socket too', async () => {
    await deliver({ path: t.unixPath('lmtp') }, message(ours, 'disguised-ours-trusted'));
    const { text, forgedFields } = await served('disguised-ours-trusted');
    expectOnlyKept(text, ours);
    expect(forgedFields).toBe(9);
  });

  it('an internal id in every disguise: removed from an untrusted client, kept from the trusted socket', async () => {
    await deliver({ port: t.port('lmtp') }, message('border.test.example', 'disguised-internal'));
    const untrusted = await served('disguised-internal');
    expectOnlyKept(untrusted.text, 'border.test.example');
    expect(untrusted.forgedFields).toBe(9);

    await deliver({ path: t.unixPath('lmtp') }, message('border.test.example', 'disguised-internal-trusted'));
    const trusted = await served('disguised-internal-trusted');
    // Every field names the internal id exactly in some reading, but the unterminated comment has no id.
    for (let i = 1; i <= 8; i += 1) expect(trusted.text).toContain(marker('border.test.example', i));
    expect(trusted.text).not.toContain(marker('border.test.example', 9));
    expect(trusted.forgedFields).toBe(1);
  });
});
