// R11.3 for SORT and THREAD (RFC 5256 §5, RFC 5957, RFC 5267 §3): any line built from their tokens, or an
// example with octets flipped, cut or inserted, parses to a command or fails with a ProtocolError (BAD) —
// nothing else; what parses as SORT has at least one criterion, known keys and a charset.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/imap/protocol/parse.js';
import { ProtocolError, ProtocolRefusal, type TaggedCommand } from '../../../src/imap/protocol/types.js';

function attempt(bytes: Buffer, utf8Accept: boolean): TaggedCommand | ProtocolError | ProtocolRefusal {
  try {
    return parseCommand(bytes, { utf8Accept });
  } catch (err) {
    if (err instanceof ProtocolError || err instanceof ProtocolRefusal) return err;
    throw err;
  }
}

const EXAMPLES = [
  'a SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994',
  'a UID SORT (REVERSE DATE DISPLAYFROM) US-ASCII OR FROM x NOT SUBJECT "y"',
  'a SORT RETURN (MIN MAX ALL COUNT) (ARRIVAL REVERSE SIZE) UTF-8 UNDELETED',
  'a THREAD REFERENCES UTF-8 ALL',
  'a UID THREAD ORDEREDSUBJECT ISO-8859-1 SUBJECT {3+}\r\ncaf',
];

const TOKENS = [
  'SORT ', 'THREAD ', 'UID ', 'RETURN ', '(', ')', ' ', 'REVERSE ', 'REVERSE', 'DATE', 'ARRIVAL', 'SUBJECT ', 'FROM',
  'DISPLAYTO', 'CC', 'SIZE', 'MIN', 'ALL', 'COUNT', 'SAVE', 'UTF-8 ', 'US-ASCII', 'REFERENCES ', 'ORDEREDSUBJECT',
  '"x"', '{1+}\r\nx', '\r\n', 'NOT ', 'OR ', '1:*', '$', '\u00e9', 'KOI8-R ',
];

const tokenLine = fc
  .tuple(fc.constantFrom('a ', 'a UID ', 'a SORT ', 'a THREAD '), fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }))
  .map(([head, tokens]) => Buffer.from(head + tokens.join(''), 'utf8'));

const mutated = fc
  .tuple(fc.constantFrom(...EXAMPLES), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { maxLength: 4 }))
  .map(([line, edits]) => {
    let bytes = Buffer.from(line, 'latin1');
    for (const [at, value, how] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (how === 'set' && bytes.length > 0) bytes[i] = value;
      else if (how === 'cut') bytes = bytes.subarray(0, i);
      else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
    }
    return bytes;
  });

describe('SORT and THREAD parse or fail cleanly', () => {
  it('parses every example', () => {
    for (const line of EXAMPLES) expect(attempt(Buffer.from(line, 'latin1'), false)).not.toBeInstanceOf(ProtocolError);
  });

  it('any token line or mutated example: a command or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.oneof(tokenLine, mutated), fc.boolean(), (bytes, utf8Accept) => {
        const result = attempt(bytes, utf8Accept);
        if (result instanceof ProtocolError || result instanceof ProtocolRefusal) {
          expect(result.message).toMatch(/^[\x20-\x7e]+$/);
          return;
        }
        const cmd = result.command;
        if (cmd.name === 'SORT') {
          expect(cmd.criteria.length).toBeGreaterThan(0);
          expect(cmd.charset.length).toBeGreaterThan(0);
        } else if (cmd.name === 'THREAD') {
          expect(['REFERENCES', 'ORDEREDSUBJECT']).toContain(cmd.algorithm);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
