// Issue 13 item 12 as a class (RFC 9051 §7.5.2 body-fld-param, RFC 2231): whatever a parameter's value, raw
// 8-bit or RFC 2231 encoded, BODYSTRUCTURE keeps a raw value under its own name with the value's octets intact
// (quoted when ASCII, else a literal), and an RFC 2231 value under `name*`, without UTF8=ACCEPT; with it, both
// come back as `name` and the decoded value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderBodyStructure } from '../../../src/imap/protocol/bodystructure.js';
import { parseMessage } from '../../../src/mime/parse.js';

const value = fc.array(fc.constantFrom('a', 'Z', '0', '.', '-', ' ', 'é', '€', '日', '😀', 'ß'), { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
const message = (param: string) => Buffer.from(`Content-Type: application/pdf; ${param}\r\n\r\nx`, 'utf8');
const PREFIX = '("application" "pdf" (';

describe('BODYSTRUCTURE parameter values', () => {
  it('keep a raw value under its own name, its octets intact', () => {
    fc.assert(
      fc.property(value, (v) => {
        const root = parseMessage(message(`name="${v}"`)).root;
        const octets = Buffer.from(v, 'utf8').toString('latin1');
        const ascii = /^[\x00-\x7f]*$/.test(v);
        const wire = renderBodyStructure(root).toString('latin1');
        expect(wire.startsWith(`${PREFIX}"name" ${ascii ? `"${octets}"` : `{${octets.length}}\r\n${octets}`})`)).toBe(true);
        expect(renderBodyStructure(root, true).toString('utf8').startsWith(`${PREFIX}"name" "${v}")`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('give an RFC 2231 value back as name* (decoded as name with UTF8=ACCEPT)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const encoded = [...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
        const root = parseMessage(message(`name*=utf-8''${encoded}`)).root;
        const ascii = /^[\x00-\x7f]*$/.test(v);
        const wire = renderBodyStructure(root).toString('latin1');
        expect(wire.startsWith(ascii ? `${PREFIX}"name" "${v}")` : `${PREFIX}"name*" "utf-8''`)).toBe(true);
        expect(renderBodyStructure(root, true).toString('utf8').startsWith(`${PREFIX}"name" "${v}")`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
