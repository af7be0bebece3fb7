// SCRAM message parsing edge cases (RFC 5802 §5.1, §7): gs2 header, saslname escapes, attributes, extensions.
import { describe, it, expect } from 'vitest';
import { decodeSaslname, encodeSaslname, parseClientFinal, parseClientFirst } from '../../../src/sasl/scram-messages.js';

describe('saslname', () => {
  it('decodes =2C and =3D and refuses other escapes', () => {
    expect(decodeSaslname('a=2Cb=3Dc')).toBe('a,b=c');
    expect(decodeSaslname('a=2c')).toBeNull();
    expect(decodeSaslname('a=')).toBeNull();
    expect(decodeSaslname('a=41')).toBeNull();
    expect(decodeSaslname('')).toBeNull();
    expect(decodeSaslname('a\u0000b')).toBeNull();
    expect(encodeSaslname('a,b=c')).toBe('a=2Cb=3Dc');
  });
});

describe('parseClientFirst', () => {
  it('parses the RFC 7677 client-first message', () => {
    expect(parseClientFirst('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toEqual({
      ok: true,
      value: {
        cbindFlag: 'n',
        authzid: '',
        username: 'user',
        clientNonce: 'rOprNGfwEbeRWgbNEkqO',
        gs2Header: 'n,,',
        bare: 'n=user,r=rOprNGfwEbeRWgbNEkqO',
      },
    });
  });

  it('parses an authzid and ignores optional extensions', () => {
    const r = parseClientFirst('y,a=ad=3Dmin,n=u=2Cv,r=xyz,x=ext');
    expect(r.ok && r.value).toMatchObject({ cbindFlag: 'y', authzid: 'ad=min', username: 'u,v', gs2Header: 'y,a=ad=3Dmin,', bare: 'n=u=2Cv,r=xyz,x=ext' });
  });

  it('refuses channel binding and mandatory extensions', () => {
    expect(parseClientFirst('p=tls-server-end-point,,n=u,r=x')).toEqual({ ok: false, reason: 'not-permitted' });
    expect(parseClientFirst('n,,m=foo,n=u,r=x')).toEqual({ ok: false, reason: 'not-permitted' });
    expect(parseClientFirst('n,,n=u,r=x,m=foo').ok).toBe(false);
  });

  it('refuses malformed messages', () => {
    for (const bad of [
      '',
      'n',
      'n,,',
      'n,,n=u',
      'x,,n=u,r=x',
      'n,b=z,n=u,r=x',
      'n,a=,n=u,r=x',
      'n,,u=u,r=x',
      'n,,n=,r=x',
      'n,,n=u,r=',
      'n,,n=u,r=a b',
      'n,,n=u,s=x',
      'n,,n=u,r=x,',
      'n,,n=u,r=x,1=y',
      'n,,n=a=zz,r=x',
      `n,,n=u,r=${'x'.repeat(600)}`,
      `n,,n=u,r=x${',a=b'.repeat(20)}`,
    ]) {
      expect(parseClientFirst(bad), bad.slice(0, 40)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('parseClientFinal', () => {
  it('parses the RFC 7677 client-final message', () => {
    const msg = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
    const r = parseClientFinal(msg);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.channelBinding).toBe('biws');
    expect(r.value.nonce).toBe('rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    expect(r.value.proof).toHaveLength(32);
    expect(r.value.withoutProof).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
  });

  it('keeps extensions in the signed part', () => {
    const r = parseClientFinal('c=biws,r=abc,x=1,p=AAAA');
    expect(r.ok && r.value.withoutProof).toBe('c=biws,r=abc,x=1');
  });

  it('refuses malformed messages', () => {
    for (const bad of [
      '',
      'c=biws,r=abc',
      'r=abc,c=biws,p=AAAA',
      'c=,r=abc,p=AAAA',
      'c=biws,r=abc,p=',
      'c=biws,r=abc,p=AAA',
      'c=bi ws,r=abc,p=AAAA',
      'c=biws,r=,p=AAAA',
      'c=biws,r=abc,p=AAAA,x=1',
      'c=biws,r=abc,m=1,p=AAAA',
      'c=biws,r=abc,,p=AAAA',
    ]) {
      expect(parseClientFinal(bad).ok, bad).toBe(false);
    }
  });
});
