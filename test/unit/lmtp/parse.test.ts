// R1.2, R1.3, R3.2: the LMTP command parser on RFC 5321 / 4954 / 8689 / XFORWARD example lines.
import { describe, expect, it } from 'vitest';
import { formatAddress, parseMailbox } from '../../../src/lmtp/protocol/address.js';
import { parseCommand, type LmtpCommand } from '../../../src/lmtp/protocol/parse.js';
import { decodeXtext, encodeXtext } from '../../../src/lmtp/protocol/xtext.js';

function ok(line: string): LmtpCommand {
  const r = parseCommand(line);
  if (!r.ok) throw new Error(`${line}: ${r.error.code} ${r.error.text}`);
  return r.command;
}

function err(line: string): { code: number; enhanced: string } {
  const r = parseCommand(line);
  if (r.ok) throw new Error(`${line} parsed as ${JSON.stringify(r.command)}`);
  return { code: r.error.code, enhanced: r.error.enhanced };
}

describe('greetings and simple verbs', () => {
  it('LHLO and the SMTP greetings (refused later by the session)', () => {
    expect(ok('LHLO mx.example.org')).toEqual({ verb: 'LHLO', domain: 'mx.example.org' });
    expect(ok('lhlo [192.0.2.1]')).toEqual({ verb: 'LHLO', domain: '[192.0.2.1]' });
    expect(ok('EHLO x')).toEqual({ verb: 'EHLO', domain: 'x' });
    expect(err('LHLO').code).toBe(501);
  });

  it('verbs without arguments', () => {
    expect(ok('DATA')).toEqual({ verb: 'DATA' });
    expect(ok('rset')).toEqual({ verb: 'RSET' });
    expect(ok('QUIT')).toEqual({ verb: 'QUIT' });
    expect(ok('STARTTLS')).toEqual({ verb: 'STARTTLS' });
    expect(ok('NOOP anything')).toEqual({ verb: 'NOOP' });
    expect(err('DATA now').code).toBe(501);
    expect(err('STARTTLS x').code).toBe(501);
  });

  it('BDAT', () => {
    expect(ok('BDAT 1024')).toEqual({ verb: 'BDAT', size: 1024, last: false });
    expect(ok('BDAT 0 LAST')).toEqual({ verb: 'BDAT', size: 0, last: true });
    expect(ok('bdat 5 last')).toEqual({ verb: 'BDAT', size: 5, last: true });
    expect(err('BDAT').code).toBe(501);
    expect(err('BDAT -1').code).toBe(501);
    expect(err('BDAT 5 FIRST').code).toBe(501);
  });

  it('AUTH with and without an initial response (seed 000: "=" is empty)', () => {
    expect(ok('AUTH EXTERNAL =')).toEqual({ verb: 'AUTH', mechanism: 'EXTERNAL', initialResponse: '=' });
    expect(ok('auth scram-sha-256')).toEqual({ verb: 'AUTH', mechanism: 'SCRAM-SHA-256', initialResponse: null });
    expect(err('AUTH').code).toBe(501);
  });

  it('unknown commands and control characters', () => {
    expect(err('GET / HTTP/1.1')).toEqual({ code: 500, enhanced: '5.5.2' });
    expect(err('MAIL\0FROM:<a@b>').code).toBe(500);
    expect(err('').code).toBe(500);
  });
});

describe('MAIL FROM', () => {
  it('paths and the null reverse-path', () => {
    expect(ok('MAIL FROM:<alice@Example.ORG>')).toMatchObject({ from: { localPart: 'alice', domain: 'example.org' } });
    expect(ok('MAIL FROM:<>')).toMatchObject({ from: null });
    expect(ok('MAIL FROM: <bob@example.org>')).toMatchObject({ from: { localPart: 'bob' } });
    expect(ok('MAIL FROM:<@relay.example:carol@example.org>')).toMatchObject({ from: { localPart: 'carol' } });
    expect(ok('MAIL FROM:<"john doe"@example.org>')).toMatchObject({ from: { localPart: 'john doe' } });
    expect(err('MAIL FROM:alice@example.org').code).toBe(501);
    expect(err('MAIL TO:<a@b.c>').code).toBe(501);
    expect(err('MAIL FROM:<a@b.c').code).toBe(501);
  });

  it('parameters (R1.3)', () => {
    const cmd = ok('MAIL FROM:<a@example.org> SIZE=12345 BODY=8bitmime SMTPUTF8 REQUIRETLS AUTH=joe+2Bcool@example.org');
    expect(cmd).toMatchObject({
      params: { size: 12345, body: '8BITMIME', smtputf8: true, requireTls: true, auth: 'joe+cool@example.org' },
    });
    expect(ok('MAIL FROM:<a@example.org> AUTH=<>')).toMatchObject({ params: { auth: '' } });
    expect(ok('MAIL FROM:<a@example.org>')).toMatchObject({
      params: { size: null, body: '7BIT', smtputf8: false, requireTls: false, auth: null },
    });
  });

  it('unknown parameters get 555 5.5.4; bad values 501', () => {
    expect(err('MAIL FROM:<a@example.org> RET=HDRS')).toEqual({ code: 555, enhanced: '5.5.4' });
    expect(err('MAIL FROM:<a@example.org> SIZE=big').code).toBe(501);
    expect(err('MAIL FROM:<a@example.org> BODY=9BIT').code).toBe(501);
    expect(err('MAIL FROM:<a@example.org> AUTH=bad+ZZ').code).toBe(501);
    expect(err('MAIL FROM:<a@example.org> SIZE=1 SIZE=2').code).toBe(501);
  });

  it('R3.2: REQUIRETLS with a value is a syntax error', () => {
    expect(err('MAIL FROM:<a@example.org> REQUIRETLS=YES')).toEqual({ code: 501, enhanced: '5.5.4' });
  });

  it('accepts a UTF-8 address with or without SMTPUTF8 (Postfix relays such senders without it)', () => {
    expect(ok('MAIL FROM:<jörg@example.org>')).toMatchObject({ from: { localPart: 'jörg' }, params: { smtputf8: false } });
    expect(ok('MAIL FROM:<jörg@example.org> SMTPUTF8')).toMatchObject({ from: { localPart: 'jörg' }, params: { smtputf8: true } });
  });
});

describe('RCPT TO', () => {
  it('addresses, subaddresses and Postmaster', () => {
    expect(ok('RCPT TO:<alice+lists@example.org>')).toEqual({ verb: 'RCPT', to: { localPart: 'alice+lists', domain: 'example.org' } });
    expect(ok('RCPT TO:<Postmaster>')).toEqual({ verb: 'RCPT', to: { localPart: 'postmaster', domain: '' } });
    expect(err('RCPT TO:<>').code).toBe(501);
    expect(err('RCPT TO:<a@example.org> NOTIFY=NEVER')).toEqual({ code: 555, enhanced: '5.5.4' });
    expect(err(`RCPT TO:<${'a'.repeat(65)}@example.org>`).code).toBe(501);
  });
});

describe('XFORWARD', () => {
  it('decodes attributes and unavailable values', () => {
    expect(ok('XFORWARD NAME=mail.example.com ADDR=192.0.2.7 HELO=[UNAVAILABLE] PROTO=ESMTP')).toEqual({
      verb: 'XFORWARD',
      attributes: { NAME: 'mail.example.com', ADDR: '192.0.2.7', HELO: null, PROTO: 'ESMTP' },
    });
    expect(err('XFORWARD EVIL=1').code).toBe(501);
  });
});

describe('xtext and addresses', () => {
  it('round-trips', () => {
    for (const s of ['plain', 'a+b=c', 'ünïcode', ' space', '']) expect(decodeXtext(encodeXtext(s))).toBe(s);
    expect(decodeXtext('a+2')).toBeNull();
    expect(decodeXtext('a b')).toBeNull();
  });

  it('formats quoted local parts', () => {
    expect(formatAddress(parseMailbox('"john doe"@example.org'))).toBe('"john doe"@example.org');
    expect(formatAddress(parseMailbox('x@EXAMPLE.org'))).toBe('x@example.org');
    expect(formatAddress(null)).toBe('');
  });
});
