// Counters, gauges and histograms with a fixed set of label names (Prometheus data model), and their
// rendering in the text exposition format 0.0.4: HELP and TYPE lines, escaped label values, cumulative
// histogram buckets ending in +Inf, _sum and _count. Pure: numbers in, text out (issue 16 item 4).

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** The label values of one series, keyed by the family's label names. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

interface Series<L extends string> {
  labels: LabelValues<L>;
}

export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** The family's sample lines, without HELP and TYPE. */
  lines(): string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escaping: backslash and line feed (the format does not escape quotes there). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value: integers as such, +Inf / -Inf / NaN spelt as the format spells them. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

abstract class Base<L extends string, S extends Series<L>> implements Family {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l.startsWith('__') || l === 'le') throw new Error(`invalid label name ${l}`);
  }

  abstract readonly type: MetricType;
  abstract lines(): string[];

  protected pairs(labels: LabelValues<L>): Array<readonly [string, string]> {
    return this.labelNames.map((k) => [k, labels[k]] as const);
  }

  protected entry(labels: LabelValues<L>, make: () => S): S {
    const key = this.labelNames.map((k) => labels[k]).join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      s = make();
      this.series.set(key, s);
    }
    return s;
  }

  /** Forgets every series (a gauge family set afresh at each scrape). */
  reset(): void {
    this.series.clear();
  }
}

interface ValueSeries<L extends string> extends Series<L> {
  value: number;
}

class ValueFamily<L extends string> extends Base<L, ValueSeries<L>> {
  constructor(
    readonly type: 'counter' | 'gauge',
    name: string,
    help: string,
    labelNames: readonly L[],
  ) {
    super(name, help, labelNames);
  }

  protected add(labels: LabelValues<L>, by: number): void {
    this.entry(labels, () => ({ labels: { ...labels }, value: 0 })).value += by;
  }

  /** The current value of a series (0 when never touched). */
  get(labels: LabelValues<L>): number {
    return this.entry(labels, () => ({ labels: { ...labels }, value: 0 })).value;
  }

  lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(this.pairs(s.labels))} ${formatValue(s.value)}`);
  }
}

export class Counter<L extends string = never> extends ValueFamily<L> {
  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    super('counter', name, help, labelNames);
  }

  /** Counters only go up. */
  inc(labels: LabelValues<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} cannot go down (${by})`);
    this.add(labels, by);
  }
}

export class Gauge<L extends string = never> extends ValueFamily<L> {
  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    super('gauge', name, help, labelNames);
  }

  inc(labels: LabelValues<L>, by = 1): void {
    this.add(labels, by);
  }

  dec(labels: LabelValues<L>, by = 1): void {
    this.add(labels, -by);
  }

  set(labels: LabelValues<L>, value: number): void {
    this.entry(labels, () => ({ labels: { ...labels }, value: 0 })).value = value;
  }
}

interface HistogramSeries<L extends string> extends Series<L> {
  /** Observations per bucket (not cumulative; summed when rendered), one more for those above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> extends Base<L, HistogramSeries<L>> {
  readonly type = 'histogram' as const;
  readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly L[], bounds: readonly number[]) {
    super(name, help, labelNames);
    const sorted = [...bounds].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    if (sorted.length === 0 || new Set(sorted).size !== sorted.length) throw new Error(`histogram ${name}: bucket bounds must be distinct numbers`);
    this.bounds = sorted;
  }

  observe(labels: LabelValues<L>, value: number): void {
    const s = this.entry(labels, () => ({ labels: { ...labels }, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
    let i = this.bounds.findIndex((b) => value <= b);
    if (i < 0) i = this.bounds.length;
    s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      const pairs = this.pairs(s.labels);
      let cumulative = 0;
      [...this.bounds, Infinity].forEach((bound, i) => {
        cumulative += s.counts[i] ?? 0;
        out.push(`${this.name}_bucket${labelText([...pairs, ['le', formatValue(bound)]])} ${cumulative}`);
      });
      out.push(`${this.name}_sum${labelText(pairs)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${labelText(pairs)} ${s.count}`);
    }
    return out;
  }
}

/** The exposition text of `families`, each with its HELP and TYPE lines, ending in a line feed. */
export function render(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.lines());
  }
  return `${out.join('\n')}\n`;
}
