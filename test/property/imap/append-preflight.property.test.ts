// appendFirstLiteral (issue 13 item 14) agrees with the full APPEND parser: for any APPEND whose first message
// literal is announced at the end of the bytes so far, it names the mailbox parseCommand would; for a cut
// anywhere else (the mailbox literal, inside flags, a later MULTIAPPEND message) it says nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendFirstLiteral } from '../../../src/imap/protocol/parse/append.js';
import { parseCommand } from '../../../src/imap/protocol/parse.js';

const atomName = fc.stringMatching(/^[A-Za-z0-9!#$&'+,\-.:;<=>?@^_`|}]{1,12}$/);
const quotedName = fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '%', '*', '(', 'é'), minLength: 1, maxLength: 10 });
const name = fc.oneof(
  atomName.map((n) => ({ wire: n, literal: false })),
  quotedName.map((n) => ({ wire: `"${n.replace(/["\\]/g, (c) => `\\${c}`)}"`, literal: false })),
  quotedName.map((n) => ({ wire: `{${Buffer.byteLength(n)}}\r\n${n}`, literal: true })),
);
const opts = fc.tuple(
  fc.constantFrom('', '() ', '(\\Seen) ', '(\\Seen $Work) ', '(\\Flagged'),
  fc.constantFrom('', '"07-Dec-2026 10:00:00 +0530" ', '" 7-Dec-2026 10:00:00 -0100" '),
  fc.constantFrom('{3}', '{3+}', '~{3}', 'UTF8 (~{3}', '{0}'),
);

describe('appendFirstLiteral', () => {
  it('names the mailbox the full parse finds, only at the first message literal', () => {
    fc.assert(
      fc.property(name, opts, fc.boolean(), ({ wire }, [flags, date, marker], utf8Accept) => {
        const soFar = Buffer.from(`a1 APPEND ${wire} ${flags}${date}${marker}`, 'utf8');
        const found = appendFirstLiteral(soFar, utf8Accept);
        const size = /\{(\d+)/.exec(marker)![1];
        const body = size === '0' ? '' : 'abc';
        const whole = Buffer.concat([soFar, Buffer.from(`\r\n${body}${marker.startsWith('UTF8') ? ')' : ''}`, 'utf8')]);
        let expected: string | null = null;
        try {
          const parsed = parseCommand(whole, { utf8Accept });
          if (parsed.command.name === 'APPEND') expected = parsed.command.mailbox;
        } catch {
          expected = null;
        }
        expect(found).toBe(expected);
        // A later MULTIAPPEND message is never taken for the first.
        expect(appendFirstLiteral(Buffer.concat([whole, Buffer.from(' {3}')]), utf8Accept)).toBeNull();
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it('says nothing while the mailbox name itself is the pending literal, or for other commands', () => {
    expect(appendFirstLiteral(Buffer.from('a1 APPEND {4}'), false)).toBeNull();
    expect(appendFirstLiteral(Buffer.from('a1 LOGIN {4}'), false)).toBeNull();
    expect(appendFirstLiteral(Buffer.from('a1 append inbox {4}'), false)).toBe('INBOX');
  });
});
