// Property tests (fast-check) for the SASL wire codec, SASLprep and SCRAM parsers: never throw, round-trip.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeResponse, encodeResponse } from '../../../src/sasl/codec.js';
import { saslprep } from '../../../src/sasl/saslprep.js';
import { decodeSaslname, encodeSaslname, parseClientFinal, parseClientFirst } from '../../../src/sasl/scram-messages.js';

const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'AZaz09+/=* \t\r\n-_'.split('')) }));

describe('decodeResponse', () => {
  it('never throws on any line, as text or bytes', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(['cancel', 'data', 'error']).toContain(decodeResponse(s).kind);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(['cancel', 'data', 'error']).toContain(decodeResponse(Buffer.from(bytes)).kind);
      }),
    );
  });

  it('decodes what encodeResponse encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const decoded = decodeResponse(encodeResponse(Buffer.from(bytes)));
        expect(decoded).toEqual({ kind: 'data', data: Buffer.from(bytes) });
      }),
    );
  });

  it('accepts only canonical base64: whatever decodes re-encodes to the same line', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const d = decodeResponse(s);
        if (d.kind === 'data' && s !== '' && s !== '=') expect(d.data.toString('base64')).toBe(s);
      }),
    );
  });
});

describe('saslprep and SCRAM syntax', () => {
  it('saslprep never throws and is idempotent on what it accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const r = saslprep(s, { allowUnassigned: true });
        if (r.ok) expect(saslprep(r.value, { allowUnassigned: true })).toEqual(r);
      }),
    );
  });

  it('saslname decoding inverts encoding', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')), (s) => {
        expect(decodeSaslname(encodeSaslname(s))).toBe(s);
      }),
    );
  });

  it('the SCRAM parsers never throw', () => {
    const piece = fc.constantFrom('n', 'y', 'p=x', ',', 'a=', 'n=', 'r=', 'm=', 'c=', 'biws', '=2C', '=3D', '=', 'u', 'AAAA', 'x=1', '\u0000', 'é');
    const message = fc.oneof(anyText, fc.array(piece, { maxLength: 24 }).map((p) => p.join('')));
    fc.assert(
      fc.property(message, (s) => {
        expect(typeof parseClientFirst(s).ok).toBe('boolean');
        expect(typeof parseClientFinal(s).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
