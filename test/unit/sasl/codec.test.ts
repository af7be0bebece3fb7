// Client response wire rules (R6.2, RFC 4954 §4, seed 000): "=" empty, "*" cancel, strict base64.
import { describe, it, expect } from 'vitest';
import { decodeResponse, encodeChallenge, encodeResponse, isStrictBase64 } from '../../../src/sasl/codec.js';

describe('decodeResponse', () => {
  it('reads "=" and an empty line as an empty response (AUTH EXTERNAL =)', () => {
    expect(decodeResponse('=')).toEqual({ kind: 'data', data: Buffer.alloc(0) });
    expect(decodeResponse('')).toEqual({ kind: 'data', data: Buffer.alloc(0) });
  });

  it('reads "*" as a cancel', () => {
    expect(decodeResponse('*')).toEqual({ kind: 'cancel' });
    expect(decodeResponse(Buffer.from('*'))).toEqual({ kind: 'cancel' });
  });

  it('decodes base64', () => {
    expect(decodeResponse('AHRpbQB0YW5zdGFhZnRhbnN0YWFm')).toEqual({
      kind: 'data',
      data: Buffer.from('\u0000tim\u0000tanstaaftanstaaf'),
    });
    expect(decodeResponse('YQ==')).toEqual({ kind: 'data', data: Buffer.from('a') });
  });

  it('refuses bad alphabet, whitespace, bad length and bad padding', () => {
    for (const bad of ['YQ', 'Y Q==', 'YQ==\t', 'YQ=', 'Y===', '=YQ=', 'YR==', 'YQ==YQ==', '-_-_', 'YWJj\r', '**', 'YQ*=']) {
      expect(decodeResponse(bad).kind, JSON.stringify(bad)).toBe('error');
    }
  });

  it('refuses responses over the length limit', () => {
    expect(decodeResponse('QUFB'.repeat(5000)).kind).toBe('error');
    expect(decodeResponse('QUFB'.repeat(2), 4)).toEqual({ kind: 'error', message: 'response too long' });
  });
});

describe('encoding', () => {
  it('encodes challenges and responses', () => {
    expect(encodeChallenge(Buffer.alloc(0))).toBe('');
    expect(encodeChallenge(Buffer.from('Username:'))).toBe('VXNlcm5hbWU6');
    expect(encodeResponse(Buffer.alloc(0))).toBe('=');
    expect(encodeResponse(Buffer.from('a'))).toBe('YQ==');
  });

  it('isStrictBase64 accepts only canonical base64', () => {
    expect(isStrictBase64('YQ==')).toBe(true);
    expect(isStrictBase64('')).toBe(true);
    expect(isStrictBase64('YR==')).toBe(false);
    expect(isStrictBase64('YQ')).toBe(false);
  });
});
