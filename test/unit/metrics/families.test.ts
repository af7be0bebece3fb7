// The exposition format of src/metrics/families.ts (issue 16 item 4; Prometheus text format 0.0.4): HELP and
// TYPE lines, escaped label values, cumulative histogram buckets ending in +Inf, _sum and _count.
import { describe, expect, it } from 'vitest';
import { Counter, escapeLabelValue, formatValue, Gauge, Histogram, render } from '../../../src/metrics/families.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { parseExposition, sampleValue } from '../../support/prom-text.js';

describe('exposition text', () => {
  it('escapes backslash, double quote and line feed in label values, and nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te')).toBe('a\\\\b\\"c\\nd\te');
    const c = new Counter('x_total', 'Help with a \\ and a\nline feed.', ['v']);
    c.inc({ v: 'say "hi"\\\n' }, 2);
    const text = render([c]);
    expect(text).toBe('# HELP x_total Help with a \\\\ and a\\nline feed.\n# TYPE x_total counter\nx_total{v="say \\"hi\\"\\\\\\n"} 2\n');
    expect(sampleValue(parseExposition(text), 'x_total', { v: 'say "hi"\\\n' })).toBe(2);
  });

  it('spells infinities and NaN as the format does', () => {
    expect([formatValue(Infinity), formatValue(-Infinity), formatValue(NaN), formatValue(3), formatValue(0.25)]).toEqual(['+Inf', '-Inf', 'NaN', '3', '0.25']);
  });

  it('renders histogram buckets cumulative, with +Inf equal to _count and _sum the total', () => {
    const h = new Histogram('lat_seconds', 'Latency.', ['protocol'], [0.1, 1, 0.5]);
    for (const v of [0.05, 0.1, 0.3, 0.7, 2, 5]) h.observe({ protocol: 'imap' }, v);
    h.observe({ protocol: 'pop3' }, 0.2);
    const text = render([h]);
    expect(text).toContain('lat_seconds_bucket{protocol="imap",le="0.1"} 2\n');
    expect(text).toContain('lat_seconds_bucket{protocol="imap",le="0.5"} 3\n');
    expect(text).toContain('lat_seconds_bucket{protocol="imap",le="1"} 4\n');
    expect(text).toContain('lat_seconds_bucket{protocol="imap",le="+Inf"} 6\n');
    expect(text).toContain('lat_seconds_count{protocol="imap"} 6\n');
    const parsed = parseExposition(text);
    expect(parsed.get('lat_seconds')?.type).toBe('histogram');
    expect(sampleValue(parsed, 'lat_seconds_sum', { protocol: 'imap' })).toBeCloseTo(8.15, 10);
    expect(sampleValue(parsed, 'lat_seconds_bucket', { protocol: 'pop3', le: '0.1' })).toBe(0);
    expect(sampleValue(parsed, 'lat_seconds_bucket', { protocol: 'pop3', le: '0.5' })).toBe(1);
    expect(sampleValue(parsed, 'lat_seconds_count', { protocol: 'pop3' })).toBe(1);
  });

  it('refuses a counter going down, and names that the format does not allow', () => {
    const c = new Counter('ok_total', 'h.');
    expect(() => c.inc({}, -1)).toThrow(/cannot go down/);
    expect(() => new Counter('bad-name', 'h.')).toThrow(/invalid metric name/);
    expect(() => new Histogram('h', 'h.', ['le' as never], [1])).toThrow(/invalid label name/);
    expect(() => new Histogram('h', 'h.', [], [])).toThrow(/bucket bounds/);
  });

  it('gauges go both ways and can be set', () => {
    const g = new Gauge('open', 'Open.', ['protocol']);
    g.inc({ protocol: 'imap' }, 3);
    g.dec({ protocol: 'imap' });
    g.set({ protocol: 'pop3' }, 7);
    const parsed = parseExposition(render([g]));
    expect(sampleValue(parsed, 'open', { protocol: 'imap' })).toBe(2);
    expect(sampleValue(parsed, 'open', { protocol: 'pop3' })).toBe(7);
  });
});

describe('Metrics labels stay bounded', () => {
  const facts = { store: null, textIndexBacklog: null, memory: { rss: 1, heapUsed: 1, heapTotal: 1 }, uptimeSeconds: 1 };

  it('counts a command or mechanism not spelt like a verb as "other"', () => {
    const m = new Metrics();
    m.command('imap', 'FETCH', 0.01);
    m.command('imap', 'alice@example.org', 0.01);
    m.command('imap', 'X'.repeat(100), 0.01);
    m.login('imap', 'PLAIN', true);
    m.login('imap', 'weird mech\n', false);
    const parsed = parseExposition(m.render(facts));
    expect(sampleValue(parsed, 'postern_command_duration_seconds_count', { protocol: 'imap', command: 'FETCH' })).toBe(1);
    expect(sampleValue(parsed, 'postern_command_duration_seconds_count', { protocol: 'imap', command: 'other' })).toBe(2);
    expect(sampleValue(parsed, 'postern_logins_total', { protocol: 'imap', mechanism: 'other', result: 'failed' })).toBe(1);
    const commands = parsed.get('postern_command_duration_seconds')!.samples.map((s) => s.labels.command);
    expect(new Set(commands)).toEqual(new Set(['FETCH', 'other']));
  });

  it('leaves out the store families when the store could not be read', () => {
    const parsed = parseExposition(new Metrics().render(facts));
    expect(parsed.has('postern_store_messages')).toBe(false);
    expect(parsed.has('postern_process_resident_memory_bytes')).toBe(true);
  });
});
