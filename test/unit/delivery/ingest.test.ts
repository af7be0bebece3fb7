// Tests of prepareIngest (SPEC R1.6, R1.7, R2, R3.3): stripping, byte-exact body, TLS-Required: No,
// one verification per message, per-recipient prefixes, header limits, DNS timeout still delivering.
import { describe, it, expect, beforeAll } from 'vitest';
import { prepareIngest, toDeliveryInput, type IngestOptions, type PreparedMessage } from '../../../src/delivery/ingest.js';
import { parseHeaderBlock, fieldValue } from '../../../src/delivery/header-block.js';
import { parseAuthenticationResults } from '../../../src/delivery/authentication-results.js';
import { crlf, hangingResolver, makeDkimKey, signMessage, stubResolver, type DkimKey, type Zone } from '../../fixtures/delivery/dns-stub.js';

let key: DkimKey;
let zone: Zone;

beforeAll(() => {
  key = makeDkimKey();
  zone = {
    'sel._domainkey.example.org': { TXT: [[key.txt]] },
    'example.org': { TXT: [['v=spf1 ip4:192.0.2.0/24 -all']] },
  };
});

function options(over: Partial<IngestOptions> = {}, verify: Partial<IngestOptions['verify']> = {}): IngestOptions {
  return {
    authservId: 'mail.example.net',
    internalIds: ['mx.example.net'],
    removeForeign: false,
    trustedClient: true,
    hostname: 'mail.example.net',
    client: { helo: 'mx.example.net', ip: '127.0.0.1', hostname: 'localhost' },
    tls: null,
    authenticated: false,
    mailFrom: 'alice@example.org',
    smtpAuth: null,
    queueId: 'Q1',
    date: new Date('2024-03-05T14:03:09Z'),
    ...over,
    verify: { enabled: true, resolver: stubResolver(zone), timeoutMs: 2000, clientIp: '192.0.2.10', helo: 'out.example.org', ...verify },
  };
}

const MESSAGE = crlf([
  'Authentication-Results: (forged) MAIL.example.net; dkim=pass header.d=bank.example',
  'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org',
  'Authentication-Results: elsewhere.example; dkim=fail',
  'From: alice@example.org',
  'To: bob@example.net',
  'Subject: hi',
  'TLS-Required: No',
  '',
  'body \u00e9\r\n.dots\r\n',
]);

async function ok(raw: Buffer, opts: IngestOptions): Promise<PreparedMessage<Buffer>> {
  const r = await prepareIngest(raw, opts);
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe('prepareIngest', () => {
  it('removes forged fields, keeps the rest byte-exact and reports TLS-Required: No', async () => {
    const p = await ok(MESSAGE, options());
    expect(p.forgedRemoved).toBe(1);
    expect(p.removed.map((r) => r.claimedId)).toEqual(['MAIL.example.net']);
    expect(p.body.equals(MESSAGE.subarray(MESSAGE.indexOf('Authentication-Results: mx.')))).toBe(true);
    expect(p.tlsRequiredNo).toBe(true);
  });

  it('removes internal ids from an untrusted client; stamps only the AUTH= the protocol believed (R1.3)', async () => {
    const p = await ok(MESSAGE, options({ trustedClient: false, smtpAuth: null }));
    expect(p.forgedRemoved).toBe(2);
    expect(p.body.toString().startsWith('Authentication-Results: elsewhere.example;')).toBe(true);
    expect(p.prefixFor('bob@example.net').toString()).not.toContain('smtp.auth');
    // An ordinary user's AUTH= about itself is believed by LMTP (lmtp/trust.ts) without making it trusted.
    const own = await ok(MESSAGE, options({ trustedClient: false, smtpAuth: 'joe@example.net' }));
    expect(own.forgedRemoved).toBe(2);
    expect(own.prefixFor('bob@example.net').toString()).toContain('auth=pass smtp.auth=joe@example.net');
  });

  it('removes a forged field hidden behind a lone CR', async () => {
    const raw = Buffer.from('X-A: 1\rAuthentication-Results: mail.example.net; dkim=pass\r\nSubject: s\r\n\r\nbody\r\n');
    const p = await ok(raw, options({}, { enabled: false }));
    expect(p.forgedRemoved).toBe(1);
    expect(p.body.toString()).toBe('X-A: 1\r\nSubject: s\r\n\r\nbody\r\n');
  });

  it('normalises bare LF and returns the same bytes when nothing changes', async () => {
    const lf = Buffer.from('Subject: a\n\nline\n');
    expect((await ok(lf, options({}, { enabled: false }))).body.toString()).toBe('Subject: a\r\n\r\nline\r\n');
    const clean = Buffer.from('Subject: a\r\n\r\nline\r\n');
    expect((await ok(clean, options({}, { enabled: false }))).body).toBe(clean);
  });

  it('verifies once and builds a prefix per recipient with A-R above Received', async () => {
    const signed = await signMessage(crlf(['From: alice@example.org', 'To: bob@example.net', 'Subject: s', '', 'hello', '']), key, 'example.org', 'sel');
    const resolver = stubResolver(zone);
    const p = await ok(signed, options({ smtpAuth: 'alice', tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' } }, { resolver }));
    const queries = resolver.queries.length;
    const a = p.prefixFor('bob@example.net');
    const b = p.prefixFor('carol@example.net');
    expect(resolver.queries.length).toBe(queries);
    const stored = parseHeaderBlock(Buffer.concat([a, p.body]));
    expect(stored.fields.slice(0, 4).map((f) => f.name)).toEqual(['Return-Path', 'Delivered-To', 'Authentication-Results', 'Received']);
    expect(fieldValue(stored.fields[1]!)).toBe(' bob@example.net');
    expect(b.toString()).toContain('Delivered-To: carol@example.net\r\n');
    expect(b.toString()).toContain('for <carol@example.net>;');
    expect(a.toString()).toContain('with LMTPS (using TLSv1.3 with cipher');
    const ar = parseAuthenticationResults(fieldValue(stored.fields[2]!));
    if ('error' in ar) throw new Error(ar.error);
    expect(ar.authservId).toBe('mail.example.net');
    expect(ar.results.map((r) => `${r.method}=${r.result}`)).toEqual(['dkim=pass', 'spf=pass', 'arc=none', 'dmarc=none', 'auth=pass']);
  });

  it('still prepares the message when DNS never answers', async () => {
    const p = await ok(MESSAGE, options({}, { resolver: hangingResolver(), timeoutMs: 200 }));
    expect(p.verification.spf!.result).toBe('temperror');
    expect(p.prefixFor('bob@example.net').toString()).toContain('spf=temperror');
    expect(p.forgedRemoved).toBe(1);
  });

  it('stamps none when verification is off and no AUTH= was given', async () => {
    const p = await ok(MESSAGE, options({}, { enabled: false }));
    expect(p.prefixFor('bob@example.net').toString()).toContain('Authentication-Results: mail.example.net; none\r\nReceived: ');
  });

  it('refuses a header over the limits', async () => {
    const big = Buffer.from(`Subject: ${'x'.repeat(200)}\r\n\r\nbody`);
    expect(await prepareIngest(big, { ...options(), limits: { maxHeaderBytes: 100, maxFields: 10 } })).toMatchObject({ ok: false, reason: 'header-too-large' });
    const many = Buffer.from(`${'A: 1\r\n'.repeat(20)}\r\n`);
    expect(await prepareIngest(many, { ...options(), limits: { maxHeaderBytes: 1000, maxFields: 10 } })).toMatchObject({ ok: false, reason: 'too-many-fields' });
  });

  it('maps onto the store DeliveryInput', async () => {
    const p = await ok(MESSAGE, options({}, { enabled: false }));
    const input = toDeliveryInput(p, [{ address: 'bob@example.net', userId: 7 }, { address: 'carol+x@example.net', userId: 8, mailbox: 'x' }], true);
    expect(input.body).toBe(p.body);
    expect(input).toMatchObject({ requireTls: true, tlsRequiredNo: true, forgedFields: 1, internalDate: p.date });
    expect(input.recipients.map((r) => [r.userId, r.mailbox])).toEqual([[7, undefined], [8, 'x']]);
    expect(input.recipients[1]!.prefix.toString()).toContain('Delivered-To: carol+x@example.net');
  });
});
