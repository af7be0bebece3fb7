// RFC 1939 §3, RFC 2449 §8, RFC 3206, RFC 5034 §4: the wire form of responses; no response can inject another.
import { describe, expect, it } from 'vitest';
import { formatResponse, R } from '../../../src/pop3/responses.js';

describe('formatResponse', () => {
  it('single-line, with and without a response code', () => {
    expect(formatResponse(R.ok())).toBe('+OK\r\n');
    expect(formatResponse(R.stat(2, 320))).toBe('+OK 2 320\r\n');
    expect(formatResponse(R.inUse())).toMatch(/^-ERR \[IN-USE\] [^\r\n]+\r\n$/);
    expect(formatResponse(R.requireTls())).toMatch(/^-ERR \[SYS\/PERM\] .*STLS.*POP3S.*\r\n$/);
    expect(formatResponse(R.authFailed())).toBe('-ERR [AUTH] Authentication failed\r\n');
  });

  it('a SASL challenge is "+ " and base64, even when empty', () => {
    expect(formatResponse(R.challenge(''))).toBe('+ \r\n');
    expect(formatResponse(R.challenge('cj1hYmM='))).toBe('+ cj1hYmM=\r\n');
  });

  it('multi-line: stuffed lines and the terminator', () => {
    expect(formatResponse(R.capa(['TOP', '.odd']))).toBe('+OK Capability list follows\r\nTOP\r\n..odd\r\n.\r\n');
  });

  it('CR and LF in text cannot start another response', () => {
    expect(formatResponse(R.syntax('x\r\n+OK injected'))).toBe('-ERR Syntax: x +OK injected\r\n');
    expect(formatResponse(R.capa(['A\r\n.\r\n+OK']))).toBe('+OK Capability list follows\r\nA . +OK\r\n.\r\n');
  });
});
