// Tests of the trace prefix (SPEC R1.7, R2.3, R2.4, RFC 3848, RFC 8601 §2.2): field order, A-R content and
// quoting, `none`, Received clauses, folding, and sanitising of hostile HELO, addresses and AUTH ids.
import { describe, it, expect } from 'vitest';
import { authenticationResultsField, receivedField, tracePrefix, withProtocol, type TraceContext } from '../../../src/delivery/stamp.js';
import { NOT_EVALUATED, type Verification } from '../../../src/delivery/verify.js';
import { parseAuthenticationResults } from '../../../src/delivery/authentication-results.js';
import { formatDateTime } from '../../../src/delivery/header-text.js';
import { parseHeaderBlock, fieldValue } from '../../../src/delivery/header-block.js';

const ctx: TraceContext = {
  authservId: 'mail.example.net',
  hostname: 'mail.example.net',
  client: { helo: 'mx.example.net', ip: '192.0.2.1', hostname: 'mx.example.net' },
  tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
  authenticated: false,
  queueId: 'Q1a2b3c',
  mailFrom: 'alice@example.org',
  smtpAuth: null,
  date: new Date('2024-03-05T14:03:09Z'),
};

const verification: Verification = {
  evaluated: true,
  dkim: [{ method: 'dkim', result: 'pass', comment: null, props: [['header.d', 'example.org'], ['header.s', 'sel'], ['header.b', 'abcd1234']] }],
  spf: { method: 'spf', result: 'pass', comment: 'mail.example.net: domain of alice@example.org designates 192.0.2.9 as permitted sender', props: [['smtp.mailfrom', 'alice@example.org']] },
  dmarc: { method: 'dmarc', result: 'pass', comment: 'p=REJECT', props: [['header.from', 'example.org']] },
  arc: { method: 'arc', result: 'none', comment: null, props: [] },
};

const lines = (s: string): string[] => s.split('\r\n');

describe('tracePrefix', () => {
  it('orders Return-Path, Delivered-To, Authentication-Results, Received', () => {
    const prefix = tracePrefix(ctx, verification, 'bob@example.net');
    const block = parseHeaderBlock(Buffer.concat([prefix, Buffer.from('Subject: x\r\n\r\n')]));
    expect(block.fields.map((f) => f.name)).toEqual(['Return-Path', 'Delivered-To', 'Authentication-Results', 'Received', 'Subject']);
    expect(fieldValue(block.fields[0]!)).toBe(' <alice@example.org>');
    expect(fieldValue(block.fields[1]!)).toBe(' bob@example.net');
    expect(prefix.toString().endsWith('\r\n')).toBe(true);
    for (const line of lines(prefix.toString())) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('writes <> for the null sender', () => {
    expect(tracePrefix({ ...ctx, mailFrom: '' }, NOT_EVALUATED, 'bob@example.net').toString()).toMatch(/^Return-Path: <>\r\n/);
  });

  it('neutralises CR/LF injection from HELO, addresses and AUTH ids', () => {
    const evil: TraceContext = {
      ...ctx,
      client: { helo: 'evil\r\nAuthentication-Results: mail.example.net; dkim=pass', ip: '192.0.2.1', hostname: 'x\r\ny' },
      mailFrom: 'a@b>\r\nX-Injected: 1',
      smtpAuth: 'joe\r\nX-Injected: 2',
      queueId: 'q\r\nX-Injected: 3',
    };
    const prefix = tracePrefix(evil, NOT_EVALUATED, 'bob@example.net>\r\nX-Injected: 4').toString();
    const block = parseHeaderBlock(Buffer.from(`${prefix}\r\n`));
    expect(block.fields.map((f) => f.name)).toEqual(['Return-Path', 'Delivered-To', 'Authentication-Results', 'Received']);
    for (const line of lines(prefix)) expect(line).toMatch(/^([\t ]|Return-Path: |Delivered-To: |Authentication-Results: |Received: |$)/);
    expect(prefix).not.toMatch(/[^\r]\n|\r[^\n]/);
    const ar = parseAuthenticationResults(fieldValue(block.fields[2]!));
    expect(ar).toEqual({
      authservId: 'mail.example.net',
      version: null,
      none: false,
      results: [{ method: 'auth', methodVersion: null, result: 'pass', reason: null, props: [{ ptype: 'smtp', property: 'auth', value: 'joe X-Injected: 2' }] }],
    });
    expect(fieldValue(block.fields[3]!).replace(/\t/g, ' ')).toMatch(/^ from unknown \(helo=evil Authentication-Results: mail.example.net; dkim=pass/);
  });
});

describe('authenticationResultsField', () => {
  it('says none when nothing was evaluated', () => {
    expect(authenticationResultsField('mail.example.net', NOT_EVALUATED, null)).toBe('Authentication-Results: mail.example.net; none\r\n');
  });

  it('lists each method on its own folded line and parses back', () => {
    const field = authenticationResultsField('mail.example.net', verification, 'joe@example.net');
    const ls = lines(field);
    expect(ls[0]).toBe('Authentication-Results: mail.example.net;');
    expect(ls[1]).toBe('\tdkim=pass header.d=example.org header.s=sel header.b=abcd1234;');
    expect(ls[2]).toBe('\tspf=pass (mail.example.net: domain of alice@example.org designates');
    for (const line of ls) expect(line.length).toBeLessThanOrEqual(78);
    const parsed = parseAuthenticationResults(field.slice('Authentication-Results:'.length).replace(/\r\n/g, ''));
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual(['dkim=pass', 'spf=pass', 'arc=none', 'dmarc=pass', 'auth=pass']);
    expect(parsed.results[4]!.props).toEqual([{ ptype: 'smtp', property: 'auth', value: 'joe@example.net' }]);
    expect(parsed.results[1]!.props).toEqual([{ ptype: 'smtp', property: 'mailfrom', value: 'alice@example.org' }]);
  });

  it('quotes values that are not tokens and escapes comments', () => {
    const v: Verification = {
      ...NOT_EVALUATED,
      evaluated: true,
      dkim: [{ method: 'dkim', result: 'fail', comment: 'bad (sig) \\', props: [['header.d', 'a;b']] }],
    };
    const field = authenticationResultsField('mail.example.net', v, 'user name');
    expect(field).toContain('dkim=fail (bad \\(sig\\) \\\\) header.d="a;b";');
    expect(field).toContain('smtp.auth="user name"');
    const parsed = parseAuthenticationResults(field.slice(23).replace(/\r\n/g, ''));
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.results[0]!.props[0]!.value).toBe('a;b');
    expect(parsed.results[1]!.props[0]!.value).toBe('user name');
  });
});

describe('receivedField', () => {
  it('names the client, us, the protocol, TLS, id, recipient and date', () => {
    const field = receivedField(ctx, 'bob@example.net');
    expect(field).toBe(
      'Received: from mx.example.net (mx.example.net [192.0.2.1])\r\n' +
        '\tby mail.example.net (Postern) with LMTPS (using TLSv1.3 with cipher\r\n' +
        '\tTLS_AES_256_GCM_SHA384) id Q1a2b3c for <bob@example.net>;\r\n' +
        `\t${formatDateTime(ctx.date)}\r\n`,
    );
  });

  it('uses an IPv6 address literal and LMTP without TLS', () => {
    const field = receivedField({ ...ctx, tls: null, client: { helo: '[IPv6:2001:db8::1]', ip: '2001:db8::1', hostname: null } }, 'b@x');
    expect(field).toMatch(/^Received: from \[IPv6:2001:db8::1\] \(\[IPv6:2001:db8::1\]\)\r\n\tby mail.example.net \(Postern\) with LMTP id/);
  });

  it('names the RFC 3848 protocols', () => {
    expect([withProtocol(false, false), withProtocol(true, false), withProtocol(false, true), withProtocol(true, true)]).toEqual([
      'LMTP',
      'LMTPS',
      'LMTPA',
      'LMTPSA',
    ]);
  });
});

describe('formatDateTime', () => {
  it('writes an RFC 5322 date-time', () => {
    expect(formatDateTime(new Date())).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
  });
});
