// Tests of verification with mailauth through a stub resolver (SPEC R2.3): DKIM pass and fail for a message
// signed here with a generated key, SPF pass and fail, DMARC, DNS failure and timeout as temperror.
import { describe, it, expect, beforeAll } from 'vitest';
import { authenticate, type DNSResolver } from 'mailauth';
import { verifyMessage, type Verification } from '../../../src/delivery/verify.js';
import { crlf, hangingResolver, makeDkimKey, signMessage, stubResolver, type DkimKey, type Zone } from '../../fixtures/delivery/dns-stub.js';

const MESSAGE = crlf([
  'From: Alice <alice@example.org>',
  'To: bob@example.net',
  'Subject: test',
  'Date: Tue, 05 Mar 2024 14:03:09 +0000',
  'Message-ID: <1@example.org>',
  '',
  'Hello Bob.',
  '',
]);

let key: DkimKey;
let signed: Buffer;
let zone: Zone;

beforeAll(async () => {
  key = makeDkimKey();
  signed = await signMessage(MESSAGE, key, 'example.org', 'sel');
  zone = {
    'sel._domainkey.example.org': { TXT: [[key.txt]] },
    'example.org': { TXT: [['v=spf1 ip4:192.0.2.0/24 -all']] },
    '_dmarc.example.org': { TXT: [['v=DMARC1; p=reject']] },
  };
});

const base = { clientIp: '192.0.2.10', helo: 'mx.example.org', mailFrom: 'alice@example.org', timeoutMs: 2000 };

const results = (v: Verification) => ({
  dkim: v.dkim.map((d) => d.result),
  spf: v.spf?.result,
  dmarc: v.dmarc?.result,
  arc: v.arc?.result,
});

describe('verifyMessage', () => {
  it('passes DKIM, SPF and DMARC for a message signed in the test', async () => {
    const v = await verifyMessage(signed, { ...base, resolver: stubResolver(zone) });
    expect(results(v)).toEqual({ dkim: ['pass'], spf: 'pass', dmarc: 'pass', arc: 'none' });
    const props = Object.fromEntries(v.dkim[0]!.props);
    expect(props['header.d']).toBe('example.org');
    expect(props['header.s']).toBe('sel');
    expect(props['header.b']).toMatch(/^[A-Za-z0-9+/]{8}$/);
    expect(v.spf!.props).toEqual([['smtp.mailfrom', 'alice@example.org']]);
    expect(v.dmarc!.props).toEqual([['header.from', 'example.org']]);
  });

  it('fails DKIM when the body was altered after signing', async () => {
    const altered = Buffer.from(signed.toString().replace('Hello Bob.', 'Hello Eve.'));
    const v = await verifyMessage(altered, { ...base, resolver: stubResolver(zone) });
    expect(v.dkim.map((d) => d.result)).toEqual(['fail']);
  });

  it('fails DKIM when a signed header was altered', async () => {
    const altered = Buffer.from(signed.toString().replace('Subject: test', 'Subject: pay now'));
    const v = await verifyMessage(altered, { ...base, resolver: stubResolver(zone) });
    expect(v.dkim.map((d) => d.result)).toEqual(['fail']);
  });

  it('fails SPF for an address outside the record, and DMARC then rests on DKIM', async () => {
    const v = await verifyMessage(signed, { ...base, clientIp: '198.51.100.7', resolver: stubResolver(zone) });
    expect(v.spf!.result).toBe('fail');
    expect(v.dmarc!.result).toBe('pass');
    const unsigned = await verifyMessage(MESSAGE, { ...base, clientIp: '198.51.100.7', resolver: stubResolver(zone) });
    expect(results(unsigned)).toEqual({ dkim: ['none'], spf: 'fail', dmarc: 'fail', arc: 'none' });
  });

  it('checks the HELO identity for the null sender', async () => {
    const z: Zone = { ...zone, 'mx.example.org': { TXT: [['v=spf1 ip4:192.0.2.10 -all']] } };
    const v = await verifyMessage(MESSAGE, { ...base, mailFrom: '', resolver: stubResolver(z) });
    expect(v.spf!.result).toBe('pass');
    expect(v.spf!.props).toEqual([['smtp.helo', 'mx.example.org']]);
  });

  it('does not evaluate SPF without a client address', async () => {
    const v = await verifyMessage(signed, { ...base, clientIp: null, resolver: stubResolver(zone) });
    expect(v.spf).toBeNull();
    expect(v.dkim[0]!.result).toBe('pass');
  });

  it('gives temperror when DNS fails', async () => {
    const failing = async (): Promise<never> => {
      throw Object.assign(new Error('server failure'), { code: 'ESERVFAIL' });
    };
    const v = await verifyMessage(signed, { ...base, resolver: failing });
    expect(results(v)).toEqual({ dkim: ['temperror'], spf: 'temperror', dmarc: 'temperror', arc: 'none' });
  });

  it('gives temperror when the resolver throws something odd, synchronously', async () => {
    const odd = (): Promise<unknown> => {
      throw 'not an error';
    };
    const v = await verifyMessage(signed, { ...base, resolver: odd });
    expect(v.dkim[0]!.result).toBe('temperror');
    expect(v.spf!.result).toBe('temperror');
  });

  it('gives temperror within the deadline when DNS never answers', async () => {
    const start = Date.now();
    const v = await verifyMessage(signed, { ...base, timeoutMs: 300, resolver: hangingResolver() });
    expect(Date.now() - start).toBeLessThan(1000);
    expect(v.evaluated).toBe(true);
    expect(v.dkim.map((d) => d.result)).toEqual(['temperror']);
    expect(v.spf!.result).toBe('temperror');
    expect(v.dmarc!.result).toBe('temperror');
  });

  it('validates an ARC chain sealed in the test, and reports temperror when its key cannot be fetched', async () => {
    const forwarder = makeDkimKey();
    const sealZone: Zone = { ...zone, 'arc._domainkey.forwarder.example': { TXT: [[forwarder.txt]] } };
    const sealed = await authenticate(signed, {
      ip: '192.0.2.10',
      helo: 'mx.example.org',
      sender: 'alice@example.org',
      mta: 'forwarder.example',
      resolver: stubResolver(sealZone) as DNSResolver,
      seal: { signingDomain: 'forwarder.example', selector: 'arc', privateKey: forwarder.privateKey },
      disableBimi: true,
    });
    const forwarded = Buffer.concat([Buffer.from(sealed.headers), signed]);
    const good = await verifyMessage(forwarded, { ...base, resolver: stubResolver(sealZone) });
    expect(good.arc!.result).toBe('pass');
    const failing = async (): Promise<never> => {
      throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    };
    const bad = await verifyMessage(forwarded, { ...base, resolver: failing });
    expect(bad.arc!.result).toBe('temperror');
  });

  it('can be switched off', async () => {
    const resolver = stubResolver(zone);
    const v = await verifyMessage(signed, { ...base, enabled: false, resolver });
    expect(v).toEqual({ evaluated: false, dkim: [], spf: null, dmarc: null, arc: null });
    expect(resolver.queries).toEqual([]);
  });

  it('survives garbage input', async () => {
    const v = await verifyMessage(Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x3a]), { ...base, resolver: stubResolver({}) });
    expect(v.evaluated).toBe(true);
  });
});
