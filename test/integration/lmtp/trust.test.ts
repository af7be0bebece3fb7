// Who is trusted on LMTP, over real sockets (SPEC R1.3, R1.7, R2.2, R2.3): authenticating as an ordinary mailbox
// user confers no relay trust (AUTH= believed only about itself, internal-id A-R fields removed, no XFORWARD),
// relay users (lmtp.relayUsers, by password or client certificate) are trusted; lmtp.trustReceived reads only a
// trusted client's Received field; no byte of the message can join the fields we prepend.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHeaderBlock } from '../../../src/delivery/header-block.js';
import { writeCertificateSet } from '../../../src/tls/certificate-files.js';
import { stubResolver } from '../../fixtures/delivery/dns-stub.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';
import { ScramClient } from '../../unit/sasl/scram-client.js';

const caDir = mkdtempSync(join(tmpdir(), 'postern-ca-'));
const certs = writeCertificateSet(caDir, {
  hostName: 'mx.test.example',
  clientUsers: [
    { user: 'relay@example.org', email: 'relay@example.org' },
    { user: 'alice@example.org', email: 'alice@example.org' },
  ],
});
const certOf = (user: string) => {
  const c = certs.clients.find((x) => x.user === user)!;
  return { cert: readFileSync(c.certFile, 'utf8'), key: readFileSync(c.keyFile, 'utf8') };
};

// sender.example publishes SPF for 192.0.2.1 and a DMARC policy: a Received field naming 192.0.2.1 passes both.
const resolver = stubResolver({
  'sender.example': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] },
  '_dmarc.sender.example': { TXT: [['v=DMARC1; p=reject']] },
});

let t: TestServer;
let alice: number;

beforeAll(async () => {
  t = await startTestServer({
    tls: `tls: { cert: ${certs.server.certFile}, key: ${certs.server.keyFile}, clientCa: ${certs.ca.certFile} }`,
    resolver,
    yaml: `admdInternalIds: [border.test.example]
lmtp: { trustReceived: true, relayUsers: [Relay@Example.org] }
`,
  });
  alice = await t.addUser('alice@example.org', 'pw-alice');
  await t.addUser('ceo@example.org', 'pw-ceo');
  await t.addUser('relay@example.org', 'pw-relay');
});
afterAll(async () => {
  await t.stop();
  rmSync(caDir, { recursive: true, force: true });
});

/** A forged verdict of the border MTA (an internal id, R2.1) inside the message. */
const FORGED_INTERNAL = 'Authentication-Results: border.test.example; spf=pass smtp.mailfrom=ceo@example.org';
const MESSAGE = `${FORGED_INTERNAL}\r\nFrom: ceo@example.org\r\nSubject: wire money\r\n\r\nnow\r\n`;

async function lastMessage(): Promise<string> {
  const box = await t.server.store.getMailbox(alice, 'INBOX');
  const all = await t.server.store.listMessages(alice, box.id);
  return (await t.server.store.readMessage(alice, box.id, all[all.length - 1]!.uid)).toString('latin1');
}

/** Our prepended fields: everything above our Received field's end (R1.7). */
function ourFields(text: string): string {
  const fields = parseHeaderBlock(Buffer.from(text, 'latin1')).fields;
  const received = fields.findIndex((f) => f.lowerName === 'received');
  return fields
    .slice(0, received + 1)
    .map((f) => f.raw.toString('latin1'))
    .join('');
}

async function connect(where: 'tcp' | 'unix' | 'tls'): Promise<SmtpClient> {
  const c =
    where === 'unix'
      ? await SmtpClient.connect({ path: t.unixPath('lmtp') })
      : where === 'tls'
        ? await SmtpClient.connect({ port: t.port('lmtp', 1) }, {})
        : await SmtpClient.connect({ port: t.port('lmtp') });
  expect((await c.reply()).code).toBe(220);
  return c;
}

async function scramLogin(c: SmtpClient, user: string, password: string): Promise<void> {
  const client = new ScramClient(user, password);
  const first = await c.cmd(`AUTH SCRAM-SHA-256 ${client.first().toString('base64')}`);
  expect(first.code).toBe(334);
  const second = await c.cmd((await client.final(Buffer.from(first.lines[0]!.slice(4), 'base64'))).toString('base64'));
  expect(second.code).toBe(334);
  expect((await c.cmd('')).code).toBe(235);
}

/** MAIL, RCPT alice, DATA, the message; returns the one per-recipient reply code. */
async function deliver(c: SmtpClient, mailFrom: string, body = MESSAGE): Promise<number> {
  expect((await c.cmd(`MAIL FROM:${mailFrom}`)).code).toBe(250);
  expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
  expect((await c.cmd('DATA')).code).toBe(354);
  c.write(dotStuffed(body));
  return (await c.reply()).code;
}

describe('an ordinary mailbox user is not a trusted LMTP client (R1.3)', () => {
  it('after SCRAM in cleartext: AUTH=<someone else> ignored, internal-id A-R removed, no XFORWARD', async () => {
    const c = await connect('tcp');
    await c.cmd('LHLO client.test');
    await scramLogin(c, 'alice@example.org', 'pw-alice');
    const caps = await c.cmd('LHLO client.test');
    expect(caps.text).not.toMatch(/XFORWARD/);
    expect((await c.cmd('XFORWARD ADDR=192.0.2.1')).text).toMatch(/^550 5\.7\.1 /);
    expect(await deliver(c, '<ceo@example.org> AUTH=ceo@example.org')).toBe(250);
    c.close();
    const text = await lastMessage();
    expect(text).not.toMatch(/smtp\.auth=/); // RFC 4954 §5: as if AUTH=<>
    expect(text).not.toContain(FORGED_INTERNAL);
    expect(ourFields(text)).toMatch(/with LMTPA/); // the session did authenticate
  });

  it('its AUTH= about itself is believed, compared as logins are (case-insensitively)', async () => {
    const c = await connect('tcp');
    await c.cmd('LHLO client.test');
    await scramLogin(c, 'alice@example.org', 'pw-alice');
    expect(await deliver(c, '<alice@example.org> AUTH=Alice@EXAMPLE.org')).toBe(250);
    c.close();
    const text = await lastMessage();
    expect(ourFields(text)).toMatch(/auth=pass smtp\.auth=alice@example\.org/);
    expect(text).not.toContain(FORGED_INTERNAL);
  });

  it('with its own client certificate (EXTERNAL) it stays untrusted', async () => {
    const c = await connect('tcp');
    await c.cmd('LHLO client.test');
    expect((await c.cmd('STARTTLS')).code).toBe(220);
    await c.startTls(certOf('alice@example.org'));
    await c.cmd('LHLO client.test');
    expect((await c.cmd('AUTH EXTERNAL =')).code).toBe(235);
    expect((await c.cmd('LHLO client.test')).text).not.toMatch(/XFORWARD/);
    expect(await deliver(c, '<ceo@example.org> AUTH=ceo@example.org')).toBe(250);
    c.close();
    const text = await lastMessage();
    expect(text).not.toMatch(/smtp\.auth=/);
    expect(text).not.toContain(FORGED_INTERNAL);
  });
});

describe('relay users (lmtp.relayUsers) are trusted clients (R1.3)', () => {
  it('by password: XFORWARD offered and believed, AUTH= believed, internal-id A-R kept', async () => {
    const c = await connect('tcp');
    await c.cmd('LHLO client.test');
    await scramLogin(c, 'relay@example.org', 'pw-relay');
    expect((await c.cmd('LHLO client.test')).text).toMatch(/XFORWARD/);
    expect((await c.cmd('XFORWARD ADDR=192.0.2.1 HELO=mail.sender.example')).code).toBe(250);
    expect(await deliver(c, '<x@sender.example> AUTH=ceo@example.org')).toBe(250);
    c.close();
    const text = await lastMessage();
    expect(ourFields(text)).toMatch(/auth=pass smtp\.auth=ceo@example\.org/);
    expect(ourFields(text)).toMatch(/spf=pass/); // from the XFORWARD address
    expect(text).toContain(FORGED_INTERNAL);
  });

  it('by a client certificate naming the relay user (EXTERNAL)', async () => {
    const c = await connect('tcp');
    await c.cmd('LHLO client.test');
    expect((await c.cmd('STARTTLS')).code).toBe(220);
    await c.startTls(certOf('relay@example.org'));
    await c.cmd('LHLO client.test');
    expect((await c.cmd('AUTH EXTERNAL =')).code).toBe(235);
    expect((await c.cmd('LHLO client.test')).text).toMatch(/XFORWARD/);
    expect(await deliver(c, '<ceo@example.org> AUTH=ceo@example.org')).toBe(250);
    c.close();
    const text = await lastMessage();
    expect(ourFields(text)).toMatch(/auth=pass smtp\.auth=ceo@example\.org/);
    expect(text).toContain(FORGED_INTERNAL);
  });
});

describe('lmtp.trustReceived reads only a trusted client\'s Received field (R2.3)', () => {
  const received =
    'Received: from mail.sender.example (mail.sender.example [192.0.2.1])\r\n\tby border.test.example with ESMTP id A1; Mon, 1 Jan 2024 00:00:00 +0000\r\n';
  const body = `${received}From: x@sender.example\r\nSubject: spoof\r\nMessage-ID: <r@sender.example>\r\n\r\nhi\r\n`;

  for (const who of ['tcp', 'user'] as const) {
    it(`an untrusted client (${who === 'tcp' ? 'unauthenticated' : 'ordinary user'}) gets no spf=pass or dmarc=pass from it`, async () => {
      const c = await connect('tcp');
      await c.cmd('LHLO client.test');
      if (who === 'user') await scramLogin(c, 'alice@example.org', 'pw-alice');
      expect(await deliver(c, '<x@sender.example>', body)).toBe(250);
      c.close();
      const ours = ourFields(await lastMessage());
      expect(ours).toMatch(/^Authentication-Results: mx\.test\.example;/m);
      expect(ours).not.toMatch(/spf=pass/);
      expect(ours).not.toMatch(/dmarc=pass/);
    });
  }

  it('the trusted Unix socket: the topmost Received is read (spf=pass, dmarc=pass)', async () => {
    const c = await connect('unix');
    await c.cmd('LHLO postfix.test');
    expect(await deliver(c, '<x@sender.example>', body)).toBe(250);
    c.close();
    const ours = ourFields(await lastMessage());
    expect(ours).toMatch(/spf=pass/);
    expect(ours).toMatch(/dmarc=pass/);
  });
});

describe('no byte of the message joins our prepended fields (R1.7)', () => {
  const starts: Array<[string, string]> = [
    ['a leading space (folds into our Received)', ' X-Injected: by evil.example; auth=pass\r\nSubject: s\r\n\r\nbody\r\n'],
    ['a leading tab', '\tfor <ceo@example.org>; forged\r\nSubject: s\r\n\r\nbody\r\n'],
    ['a NUL, then a space', '\u0000 X-Injected: evil\r\nSubject: s\r\n\r\nbody\r\n'],
    ['a body line without a header', 'just text, no header\r\nmore\r\n'],
    ['a bare LF, then a space', '\n X-Injected: evil\r\n'],
    ['a lone CR, then a space', '\r X-Injected: evil\r\n'],
  ];
  for (const [name, message] of starts) {
    it(`a message starting with ${name}`, async () => {
      const c = await connect('tcp');
      await c.cmd('LHLO client.test');
      expect(await deliver(c, '<x@sender.example>', message)).toBe(250);
      c.close();
      const text = await lastMessage();
      const ours = ourFields(text);
      expect(ours).toMatch(/^Return-Path: <x@sender\.example>\r\nDelivered-To: alice@example\.org\r\nAuthentication-Results: mx\.test\.example;/);
      expect(ours).toMatch(/\r\nReceived: from client\.test [^]*\d{2}:\d{2}:\d{2} [+-]\d{4}\r\n$/);
      expect(ours).not.toMatch(/evil|Injected|forged/);
      // What follows our fields starts a field of the sender's, or ends the header.
      const rest = text.slice(ours.length);
      expect(rest.startsWith('\r\n') || /^[!-9;-~]+:/.test(rest)).toBe(true);
    });
  }
});
