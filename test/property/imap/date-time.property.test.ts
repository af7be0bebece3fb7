// INTERNALDATE with its zone (issue 13 item 6; RFC 9051 §9 date-time, §6.4.4): the date-time written by
// encode-text.ts dateTimeText in any zone parses back (protocol/date.ts) to the same second and zone, shows the
// wall clock of that zone, and zonedDay (search/match.ts) is the day the text shows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateTimeText, zoneText } from '../../../src/imap/protocol/encode-text.js';
import { parseCommand } from '../../../src/imap/protocol/parse.js';
import { zonedDay } from '../../../src/imap/search/match.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The date-time of an APPEND, parsed by the real command parser. */
function parsed(text: string): { instant: Date; zone: number } {
  const c = parseCommand(Buffer.from(`a APPEND x ${text} {1}\r\nx`), { utf8Accept: false }).command;
  if (c.name !== 'APPEND' || !c.messages[0]?.date) throw new Error(`not an APPEND with a date: ${text}`);
  return c.messages[0].date;
}

// Four-digit years (date-year = 4DIGIT) whatever the zone shifts them by; whole seconds (date-time has no more).
const instant = fc.integer({ min: Date.UTC(1000, 0, 2) / 1000, max: Date.UTC(9999, 11, 30) / 1000 }).map((s) => new Date(s * 1000));
const zone = fc.oneof(fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }), fc.constantFrom(0, 330, -480, 345, -30, 840, -720, 1439, -1439));

describe('date-time with a zone (issue 13 item 6)', () => {
  it.each([
    [Date.UTC(2026, 11, 7, 4, 30), 330, '"07-Dec-2026 10:00:00 +0530"'],
    [Date.UTC(2026, 11, 7, 18, 0), -480, '"07-Dec-2026 10:00:00 -0800"'],
    [Date.UTC(2026, 11, 7, 10, 0), 0, '"07-Dec-2026 10:00:00 +0000"'],
    [Date.UTC(2026, 11, 7, 19, 0), 330, '"08-Dec-2026 00:30:00 +0530"'],
    [Date.UTC(2024, 1, 29, 0, 30), -30, '"29-Feb-2024 00:00:00 -0030"'],
    [Date.UTC(2000, 0, 1, 0, 0), -1, '"31-Dec-1999 23:59:00 -0001"'],
  ])('%d in zone %d is %s', (ms, z, text) => {
    expect(dateTimeText(new Date(ms), z)).toBe(text);
    expect(parsed(text)).toEqual({ instant: new Date(ms), zone: z });
  });

  it('zoneText: sign, two-digit hours and minutes', () => {
    expect([0, 1, -1, 59, 60, -61, 330, -480, 1439, -1439].map(zoneText)).toEqual(['+0000', '+0001', '-0001', '+0059', '+0100', '-0101', '+0530', '-0800', '+2359', '-2359']);
  });

  it('parse(dateTimeText(t, z)) = (t, z), and the text shows the wall clock and day of zone z', () => {
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        const text = dateTimeText(t, z);
        expect(parsed(text)).toEqual({ instant: t, zone: z });
        const wall = new Date(t.getTime() + z * 60_000);
        const m = /^"(\d\d)-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})"$/.exec(text)!;
        expect(m).not.toBeNull();
        expect([Number(m[1]), MONTHS.indexOf(m[2]!), Number(m[3])]).toEqual([wall.getUTCDate(), wall.getUTCMonth(), wall.getUTCFullYear()]);
        expect([Number(m[4]), Number(m[5]), Number(m[6])]).toEqual([wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds()]);
        expect(m[7]).toBe(zoneText(z));
        expect(zonedDay(t, z)).toEqual({ year: Number(m[3]), month: MONTHS.indexOf(m[2]!) + 1, day: Number(m[1]) });
      }),
      { numRuns: 3000 },
    );
  });

  it('zone 0 is the UTC rendering it always was', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(dateTimeText(t)).toBe(dateTimeText(t, 0));
        expect(dateTimeText(t).endsWith(' +0000"')).toBe(true);
      }),
    );
  });
});
