// RFC 8514 §4.3 (issue 15 item 6): SEARCH SAVEDBEFORE / SAVEDON / SAVEDSINCE judge the same calendar day that
// FETCH SAVEDATE writes, for any instant and server zone (whole-hour, half-hour and 45-minute offsets, daylight
// saving changes): SAVEDON <the day FETCH shows> matches, SAVEDBEFORE it does not, SAVEDBEFORE the next day does.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { serverZone } from '../../../src/imap/protocol/date.js';
import { dateTimeText } from '../../../src/imap/protocol/encode-text.js';
import type { SearchKey } from '../../../src/imap/protocol/types.js';
import { evaluate } from '../../../src/imap/search/evaluate.js';
import type { SearchSource } from '../../../src/imap/search/source.js';
import type { MessageMeta } from '../../../src/store/types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Eucla', 'Pacific/Chatham', 'Pacific/Kiritimati'];
const originalTz = process.env.TZ;

afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

/** A search source that knows one message (UID 1) saved at `ms`: all the SAVED* keys read. */
function sourceSavedAt(ms: number): SearchSource {
  const meta = { uid: 1, saveDate: new Date(ms) } as MessageMeta;
  return { metasOf: async () => new Map([[1, meta]]) } as unknown as SearchSource;
}

function dayOfFetch(text: string): { year: number; month: number; day: number } {
  const m = /^"(\d\d)-(\w{3})-(\d{4}) /.exec(text)!;
  return { year: Number(m[3]), month: MONTHS.indexOf(m[2]!) + 1, day: Number(m[1]) };
}

function nextDay(d: { year: number; month: number; day: number }): { year: number; month: number; day: number } {
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate() };
}

describe('SAVED* and FETCH SAVEDATE agree on the day', () => {
  it('for any instant in any server zone', async () => {
    process.env.TZ = 'Asia/Kolkata'; // the zone follows TZ in this process (as the migration test relies on)
    expect(serverZone(new Date(0))).toBe(330);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), async (tz, ms) => {
        process.env.TZ = tz;
        const d = new Date(ms);
        const day = dayOfFetch(dateTimeText(d, serverZone(d)));
        const src = sourceSavedAt(ms);
        const hit = async (op: 'before' | 'on' | 'since', date: typeof day): Promise<boolean> =>
          (await evaluate({ kind: 'date', which: 'saved', op, date } as SearchKey, [1], src)).length === 1;
        expect(await hit('on', day)).toBe(true);
        expect(await hit('since', day)).toBe(true);
        expect(await hit('before', day)).toBe(false);
        expect(await hit('before', nextDay(day))).toBe(true);
        expect(await hit('since', nextDay(day))).toBe(false);
      }),
      { numRuns: 300, seed: 8514 },
    );
  });
});
