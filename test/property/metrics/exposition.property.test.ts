// Property tests (fast-check) for the exposition text (issue 16 item 4): whatever a label value holds (quotes,
// backslashes, line feeds, any Unicode), the rendered text reads back to the same series and values, one
// sample per line; histogram buckets are cumulative and +Inf equals _count; whatever names the counters are
// given, the label sets stay small and verb-like (cardinality).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Counter, Histogram, render } from '../../../src/metrics/families.js';
import { MAX_NAMES_PER_PROTOCOL, Metrics } from '../../../src/metrics/metrics.js';
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

describe('label cardinality (no per-user series, however the counters are called)', () => {
  it('any command and mechanism names give a bounded set of verb-like labels', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('imap', 'pop3', 'lmtp') as fc.Arbitrary<'imap' | 'pop3' | 'lmtp'>, fc.oneof({ arbitrary: fc.stringMatching(/^[A-Z]{1,16}$/), weight: 6 }, fc.string({ maxLength: 20 }), fc.emailAddress())), { minLength: 150, maxLength: 400 }), (calls) => {
        const m = new Metrics();
        for (const [protocol, name] of calls) {
          m.command(protocol, name, 0.001);
          m.login(protocol, name, false);
        }
        const parsed = parseExposition(m.render({ store: null, textIndexBacklog: null, memory: { rss: 1, heapUsed: 1, heapTotal: 1 }, uptimeSeconds: 1 }));
        for (const protocol of ['imap', 'pop3', 'lmtp']) {
          const commands = new Set(parsed.get('postern_command_duration_seconds')!.samples.filter((s) => s.labels.protocol === protocol).map((s) => s.labels.command));
          const mechanisms = new Set(parsed.get('postern_logins_total')!.samples.filter((s) => s.labels.protocol === protocol).map((s) => s.labels.mechanism));
          for (const set of [commands, mechanisms]) {
            expect(set.size).toBeLessThanOrEqual(MAX_NAMES_PER_PROTOCOL + 1);
            for (const v of set) expect(v === 'other' || /^[A-Z][A-Z0-9-]*$/.test(v ?? '')).toBe(true);
          }
        }
      }),
      { numRuns: 30, endOnFailure: true }, // a failing case is hundreds of calls: shrinking it would take minutes
    );
  });
});
