// Unit tests for the ADMD boundary stripper (SPEC R2.2, RFC 8601 §5): every disguise of a forged field is
// removed, foreign ones stay, internal ids only from trusted clients; everything else is byte-exact.
import { describe, it, expect } from 'vitest';
import { parseHeaderBlock, rebuildMessage } from '../../../src/delivery/header-block.js';
import { stripAuthenticationResults, type StripOptions } from '../../../src/delivery/strip.js';

const OURS: StripOptions = { ourId: 'mail.example.net', internalIds: ['mx.example.net'], trustedClient: false, removeForeign: false };

function strip(header: string, opts: Partial<StripOptions> = {}) {
  const raw = Buffer.from(`${header}\r\nbody line\r\n`);
  const block = parseHeaderBlock(raw);
  const res = stripAuthenticationResults(block.fields, { ...OURS, ...opts });
  return { ...res, out: rebuildMessage(res.fields, block.separator, block.body).toString(), raw };
}

const disguises: Record<string, string> = {
  plain: 'Authentication-Results: mail.example.net; dkim=pass header.d=example.org\r\n',
  uppercase: 'AUTHENTICATION-RESULTS: mail.example.net; spf=pass\r\n',
  lowercase: 'authentication-results: mail.example.net; spf=pass\r\n',
  'space before colon': 'Authentication-Results : mail.example.net; spf=pass\r\n',
  'tab before colon': 'Authentication-Results\t: mail.example.net; spf=pass\r\n',
  folded: 'Authentication-Results:\r\n\tmail.example.net;\r\n\tdkim=pass\r\n',
  'folded inside id line': 'Authentication-Results: (x\r\n y) mail.example.net\r\n ; dkim=pass\r\n',
  'nested comments': 'Authentication-Results: (c (nested)) mail.example.net; dkim=pass\r\n',
  'escaped paren in comment': 'Authentication-Results: (a \\( b) mail.example.net; dkim=pass\r\n',
  quoted: 'Authentication-Results: "mail.example.net"; dkim=pass\r\n',
  'quoted with quoted-pair': 'Authentication-Results: "mail.exa\\mple.net"; dkim=pass\r\n',
  'mixed case id': 'Authentication-Results: Mail.Example.NET; dkim=pass\r\n',
  'with version': 'Authentication-Results: mail.example.net 1; dkim=pass\r\n',
  'comment before version': 'Authentication-Results: mail.example.net (v) 1 (x); dkim=pass\r\n',
  none: 'Authentication-Results: mail.example.net; none\r\n',
  'trailing root dot': 'Authentication-Results: mail.example.net.; dkim=pass\r\n',
  'comment glued to id': 'Authentication-Results: mail.example.net(x);dkim=pass\r\n',
  'no space after colon': 'Authentication-Results:mail.example.net;dkim=pass\r\n',
  'unparseable, slash after id': 'Authentication-Results: mail.example.net/1; dkim=pass\r\n',
  'comment nested 40 deep': `Authentication-Results: ${'('.repeat(40)}x${')'.repeat(40)} mail.example.net; dkim=pass\r\n`,
  'unparseable, two words': 'Authentication-Results: mail.example.net junk; dkim=pass\r\n',
};

describe('stripAuthenticationResults', () => {
  for (const [name, field] of Object.entries(disguises)) {
    it(`removes a forged field: ${name}`, () => {
      const foreign = 'Authentication-Results: other.example; dkim=pass\r\n';
      const r = strip(`Received: from x\r\n${field}${foreign}Subject: hi\r\n`);
      expect(r.forgedRemoved).toBe(1);
      expect(r.removed[0]!.reason).toBe('ours');
      expect(r.out).toBe(`Received: from x\r\n${foreign}Subject: hi\r\n\r\nbody line\r\n`);
    });
  }

  it('keeps foreign fields unless removeForeign', () => {
    const header = 'Authentication-Results: other.example; spf=pass\r\nAuthentication-Results: (c) "other.example" 1 (v); none\r\n';
    const kept = strip(header);
    expect(kept.removed).toHaveLength(0);
    expect(kept.out).toBe(kept.raw.toString());
    const removed = strip(header, { removeForeign: true });
    expect(removed.removed.map((r) => r.reason)).toEqual(['foreign', 'foreign']);
    expect(removed.forgedRemoved).toBe(0);
    expect(removed.out).toBe('\r\nbody line\r\n');
  });

  it('removes a field whose authserv-id cannot be determined as forged, even from a trusted client', () => {
    for (const trustedClient of [false, true]) {
      const r = strip('Authentication-Results: other.example; spf=pass\r\nAuthentication-Results: broken (\r\n', { trustedClient });
      expect(r.removed.map((x) => [x.reason, x.unparseable])).toEqual([['undetermined', true]]);
      expect(r.forgedRemoved).toBe(1);
      expect(r.out).toBe('Authentication-Results: other.example; spf=pass\r\n\r\nbody line\r\n');
    }
  });

  it('keeps internal ids only from a trusted client', () => {
    const header = 'Authentication-Results: MX.example.net; spf=pass\r\nX-Other: 1\r\n';
    const untrusted = strip(header);
    expect(untrusted.forgedRemoved).toBe(1);
    expect(untrusted.removed[0]!.reason).toBe('internal-untrusted');
    expect(untrusted.out).toBe('X-Other: 1\r\n\r\nbody line\r\n');
    const trusted = strip(header, { trustedClient: true });
    expect(trusted.removed).toHaveLength(0);
    expect(trusted.out).toBe(trusted.raw.toString());
  });

  it('removes our id even from a trusted client', () => {
    const r = strip('Authentication-Results: mail.example.net; spf=pass\r\n', { trustedClient: true });
    expect(r.forgedRemoved).toBe(1);
  });

  it('never touches ARC-Authentication-Results or look-alike names', () => {
    const header =
      'ARC-Authentication-Results: i=1; mail.example.net; dkim=pass\r\n' +
      'X-Authentication-Results: mail.example.net; dkim=pass\r\n' +
      'Authentication-Results-Original: mail.example.net; dkim=pass\r\n';
    const r = strip(header);
    expect(r.removed).toHaveLength(0);
    expect(r.out).toBe(r.raw.toString());
  });

  it('keeps a field whose id merely contains ours', () => {
    const r = strip('Authentication-Results: mail.example.net.evil.example; dkim=pass\r\n');
    expect(r.removed).toHaveLength(0);
  });

  it('keeps 8-bit bytes in other fields and the body byte-exact', () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: '),
      Buffer.from([0xc3, 0xa9, 0xff]),
      Buffer.from('\r\nAuthentication-Results: mail.example.net; none\r\n\r\n'),
      Buffer.from([0x00, 0xfe, 0x0d, 0x0a, 0x2e]),
    ]);
    const block = parseHeaderBlock(raw);
    const res = stripAuthenticationResults(block.fields, OURS);
    const out = rebuildMessage(res.fields, block.separator, block.body);
    expect(out.equals(Buffer.concat([raw.subarray(0, 12), Buffer.from('\r\n\r\n'), Buffer.from([0x00, 0xfe, 0x0d, 0x0a, 0x2e])]))).toBe(true);
  });
});
