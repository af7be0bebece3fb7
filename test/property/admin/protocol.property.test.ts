// Issue 16 item 5: the admin socket's request parser returns a request or an error for any line, never throws,
// and every request it accepts survives formatting and parsing again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAdminMessage, parseAdminRequest, type AdminRequest } from '../../../src/admin/protocol.js';

const request: fc.Arbitrary<AdminRequest> = fc.oneof(
  fc.constant({ op: 'who' as const }),
  fc.constant({ op: 'reload' as const }),
  fc.record({
    op: fc.constant('kick' as const),
    user: fc.string({ minLength: 1, maxLength: 320 }),
    reason: fc.constantFrom('kicked' as const, 'disabled' as const, 'deleted' as const),
  }),
);

describe('parseAdminRequest', () => {
  it('answers any text with a request or an error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ op: 'kick', user: v }))), (line) => {
        const r = parseAdminRequest(line);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses what it formats', () => {
    fc.assert(
      fc.property(request, (req) => {
        const line = formatAdminMessage(req);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.slice(0, -1)).not.toContain('\n'); // one line, whatever the user name holds
        expect(parseAdminRequest(line.slice(0, -1))).toEqual({ ok: true, request: req });
      }),
    );
  });
});
