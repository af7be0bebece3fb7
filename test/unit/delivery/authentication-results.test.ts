// Unit tests for the RFC 8601 §2.2 parser: authserv-id with CFWS, quoting, version, none, RFC 8616 UTF-8,
// and the resinfo list (RFC 8601 Appendix B examples).
import { describe, it, expect } from 'vitest';
import {
  looseFirstWord,
  parseAuthenticationResults,
  parseAuthservId,
  sameAuthservId,
} from '../../../src/delivery/authentication-results.js';

describe('parseAuthservId', () => {
  const cases: Array<[string, string, number | null]> = [
    [' example.org; none', 'example.org', null],
    ['example.org 1; none', 'example.org', 1],
    ['example.org', 'example.org', null],
    [' (comment) example.org ; spf=pass', 'example.org', null],
    [' (c (nested (deeper))) example.org; dkim=pass', 'example.org', null],
    [' (a \\) escaped paren) example.org; none', 'example.org', null],
    [' "example.org"; none', 'example.org', null],
    [' "ex\\ample.org"; none', 'example.org', null],
    ['\r\n\texample.org\r\n (c) 12 (v); none', 'example.org', 12],
    [' mx.exämple.org; none', 'mx.exämple.org', null],
    [' "with space"; none', 'with space', null],
    [' example.org(comment); none', 'example.org', null],
  ];
  for (const [input, id, version] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => {
      expect(parseAuthservId(input)).toEqual({ authservId: id, version });
    });
  }

  const bad = ['', '   ', '; none', ' (unterminated example.org', ' "unterminated', ' a b; none', ' a/1; none', ' "a"1; none'];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(parseAuthservId(input)).toHaveProperty('error');
    });
  }

  it('reads comments nested to any depth, without recursion, and rejects unbalanced ones', () => {
    const deep = `${'('.repeat(100_000)}x${')'.repeat(100_000)} example.org; none`;
    expect(parseAuthservId(deep)).toEqual({ authservId: 'example.org', version: null });
    expect(parseAuthservId(`${'('.repeat(100_000)}x${')'.repeat(99_999)} example.org; none`)).toHaveProperty('error');
  });

  it('reads the whole value however long: no cap below the header bound', () => {
    const folded = `(${Array.from({ length: 300 }, () => 'x'.repeat(998)).join('\r\n ')}) example.org 123456789012345; none`;
    expect(parseAuthservId(folded)).toEqual({ authservId: 'example.org', version: 123456789012345 });
    expect(parseAuthservId(`${' '.repeat(200_000)}"${'a'.repeat(100_000)}"; none`)).toEqual({ authservId: 'a'.repeat(100_000), version: null });
    expect(looseFirstWord(`(${'y'.repeat(100_000)}) example.org/1`)).toBe('example.org');
  });

  it('answers an error, never a throw, on hostile nesting and escaping (linear scan: a hang fails the test timeout)', () => {
    expect(parseAuthservId('('.repeat(200_000))).toHaveProperty('error');
    expect(parseAuthservId('\\'.repeat(200_000))).toHaveProperty('error');
    expect(parseAuthservId(`"${'\\"'.repeat(100_000)}`)).toHaveProperty('error');
    expect(parseAuthservId(`${'('.repeat(100_000)}${')'.repeat(100_000)} mx.example.org; none`)).toMatchObject({ authservId: 'mx.example.org' });
  });
});

describe('sameAuthservId', () => {
  it('compares case-insensitively, Unicode-aware, ignoring a root dot', () => {
    expect(sameAuthservId('MX.Example.ORG', 'mx.example.org')).toBe(true);
    expect(sameAuthservId('MX.EXÄMPLE.org', 'mx.exämple.org')).toBe(true);
    expect(sameAuthservId('mx.example.org.', 'mx.example.org')).toBe(true);
    expect(sameAuthservId('mx.example.org', 'mx.example.net')).toBe(false);
  });

  it('sees through Unicode spaces, format characters, full-width forms and case folding (R2.2)', () => {
    expect(sameAuthservId('\u00a0mx.example.org\u3000', 'mx.example.org')).toBe(true);
    expect(sameAuthservId('\ufeffmx\u200b.exa\u00admple\u2060.org\u200d', 'mx.example.org')).toBe(true);
    expect(sameAuthservId('ＭＸ．ｅｘａｍｐｌｅ．ｏｒｇ', 'mx.example.org')).toBe(true);
    expect(sameAuthservId('mx\u3002example\uff61org', 'mx.example.org')).toBe(true);
    expect(sameAuthservId('MASSE.example', 'maße.example')).toBe(true);
    expect(sameAuthservId('mx.example.org.evil.test', 'mx.example.org')).toBe(false);
    expect(sameAuthservId('evil-mx.example.org', 'mx.example.org')).toBe(false);
    expect(sameAuthservId('\u200b', '')).toBe(false);
  });
});

describe('parseAuthenticationResults', () => {
  it('reads none', () => {
    expect(parseAuthenticationResults('example.org 1; none')).toEqual({
      authservId: 'example.org',
      version: 1,
      none: true,
      results: [],
    });
  });

  it('reads the RFC 8601 Appendix B.6 example', () => {
    const value = ` example.com;
              dkim=pass (good signature) header.d=example.com;
              spf=fail smtp.mailfrom=example.com;
              sender-id=fail header.from=example.com;
              dkim/1=pass reason="fine" header.i=@mail-router.example.net`;
    const r = parseAuthenticationResults(value);
    expect(r).toEqual({
      authservId: 'example.com',
      version: null,
      none: false,
      results: [
        { method: 'dkim', methodVersion: null, result: 'pass', reason: null, props: [{ ptype: 'header', property: 'd', value: 'example.com' }] },
        { method: 'spf', methodVersion: null, result: 'fail', reason: null, props: [{ ptype: 'smtp', property: 'mailfrom', value: 'example.com' }] },
        { method: 'sender-id', methodVersion: null, result: 'fail', reason: null, props: [{ ptype: 'header', property: 'from', value: 'example.com' }] },
        { method: 'dkim', methodVersion: 1, result: 'pass', reason: 'fine', props: [{ ptype: 'header', property: 'i', value: '@mail-router.example.net' }] },
      ],
    });
  });

  it('reads local-part@domain and quoted property values', () => {
    const r = parseAuthenticationResults('x; spf=pass smtp.mailfrom=user@example.org; auth=pass smtp.auth="a b"');
    expect('error' in r).toBe(false);
    if ('error' in r) return;
    expect(r.results[0]!.props[0]!.value).toBe('user@example.org');
    expect(r.results[1]!.props[0]!.value).toBe('a b');
  });

  it('reports errors instead of throwing', () => {
    expect(parseAuthenticationResults('x; dkim')).toHaveProperty('error');
    expect(parseAuthenticationResults('x; dkim=pass header')).toHaveProperty('error');
    expect(parseAuthenticationResults('x; none; dkim=pass')).toHaveProperty('error');
  });
});

describe('looseFirstWord', () => {
  it('finds the first word through broken syntax', () => {
    expect(looseFirstWord(' (unterminated ourid')).toBe('');
    expect(looseFirstWord(' ((( a ) ourid; x')).toBe('');
    expect(looseFirstWord(' (a) "ourid 1 2; x')).toBe('ourid');
    expect(looseFirstWord(' our\\id/1; x')).toBe('ourid');
    expect(looseFirstWord(' ourid\u0000; x')).toBe('ourid');
  });
});
