// Parsing Node's subjectAltName text for client-certificate identities (R5.4).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseSubjectAltName } from '../../../src/tls/peer-identity.js';

describe('parseSubjectAltName', () => {
  it.each([
    ['email:alice@example.org', [{ type: 'email', value: 'alice@example.org' }]],
    [
      'DNS:a.example, email:b@example.org, IP Address:127.0.0.1',
      [
        { type: 'DNS', value: 'a.example' },
        { type: 'email', value: 'b@example.org' },
        { type: 'IP Address', value: '127.0.0.1' },
      ],
    ],
    [
      'email:"a, b@example.org", email:c@example.org',
      [
        { type: 'email', value: 'a, b@example.org' },
        { type: 'email', value: 'c@example.org' },
      ],
    ],
    ['', []],
    ['nonsense', []],
    ['email:"unterminated', []],
  ])('%j', (text, expected) => {
    expect(parseSubjectAltName(text)).toEqual(expected);
  });

  it('never throws and stays bounded on hostile text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        const out = parseSubjectAltName(s);
        expect(out.length).toBeLessThanOrEqual(64);
      }),
    );
  });
});
