// RFC 8474 §4 objectid = 1*255(ALPHA / DIGIT / "_" / "-") in SEARCH EMAILID / THREADID (issue 15 item 6): any
// argument is accepted exactly when it is one, and then compared as sent (case kept); anything else is BAD.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/imap/protocol/parse.js';
import { ProtocolError, type SearchKey } from '../../../src/imap/protocol/types.js';

const OBJECT_ID = /^[A-Za-z0-9_-]{1,255}$/;
const CHARS = [...'aZ09_-', '.', '"', '(', '*', '%', '\\', 'é', '+', '='];

function keyOf(line: string): SearchKey | ProtocolError {
  try {
    const cmd = parseCommand(Buffer.from(line, 'utf8'), { utf8Accept: false });
    if (cmd.command.name !== 'SEARCH') throw new Error(`parsed as ${cmd.command.name}`);
    return cmd.command.key;
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
}

describe('SEARCH EMAILID / THREADID objectid', () => {
  it('accepts exactly the RFC 8474 objectids, kept as sent', () => {
    const arg = fc.oneof(
      fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((cs) => cs.join('')),
      fc.integer({ min: 250, max: 260 }).map((n) => 'M'.repeat(n)),
    );
    fc.assert(
      fc.property(fc.constantFrom('EMAILID', 'THREADID'), arg, (name, id) => {
        const key = keyOf(`a SEARCH ${name} ${id}`);
        if (OBJECT_ID.test(id)) expect(key).toEqual({ kind: name, id });
        else expect(key).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 500, seed: 8474 },
    );
  });
});
