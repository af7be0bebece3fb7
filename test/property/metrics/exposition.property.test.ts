// Property tests (fast-check) for the exposition text (issue 16 item 4): whatever a label value holds (quotes,
// backslashes, line feeds, any Unicode), the rendered text reads back to the same series and values, one
// sample per line; histogram buckets are cumulative and +Inf equals _count.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Counter, Histogram, render } from '../../../src/metrics/families.js';
import { parseExposition, sampleValue } from '../../support/prom-text.js';

const labelValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('"', '\\', '\n', '\\n', '"}', 'a="b"', '\r\n'));

describe('exposition round trip', () => {
  it('any label values read back as written', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(labelValue, labelValue, fc.nat(1_000_000)), { selector: ([a, b]) => `${a}\u0000${b}`, maxLength: 8 }), (series) => {
        const c = new Counter('t_total', 'Help "quoted" \\ and\nmore.', ['a', 'b']);
        for (const [a, b, n] of series) c.inc({ a, b }, n);
        const parsed = parseExposition(render([c]));
        expect(parsed.get('t_total')?.samples.length).toBe(series.length);
        for (const [a, b, n] of series) expect(sampleValue(parsed, 't_total', { a, b })).toBe(n);
      }),
    );
  });

  it('histogram buckets are cumulative, +Inf is _count, _sum is the sum', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { maxLength: 50 }),
        (bounds, values) => {
          const h = new Histogram('h_seconds', 'H.', ['p'], bounds);
          for (const v of values) h.observe({ p: 'x' }, v);
          if (values.length === 0) return;
          const parsed = parseExposition(render([h]));
          const buckets = parsed.get('h_seconds')!.samples.filter((s) => s.name === 'h_seconds_bucket');
          const les = buckets.map((s) => Number(s.labels.le === '+Inf' ? Infinity : s.labels.le));
          expect(les).toEqual([...h.bounds, Infinity]);
          for (const [i, s] of buckets.entries()) {
            expect(s.value).toBe(values.filter((v) => v <= les[i]!).length);
            if (i > 0) expect(s.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
          }
          expect(buckets.at(-1)!.value).toBe(sampleValue(parsed, 'h_seconds_count', { p: 'x' }));
          expect(sampleValue(parsed, 'h_seconds_sum', { p: 'x' })).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
        },
      ),
    );
  });
});
