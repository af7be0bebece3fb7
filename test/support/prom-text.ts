// A strict reader of the Prometheus text exposition format 0.0.4 for tests: every line is a HELP, a TYPE or
// a sample of the family last announced; label values are unescaped; anything else throws.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  help: string;
  type: string;
  samples: PromSample[];
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`bad sample value ${JSON.stringify(text)}`);
  return Number(text);
}

/** Label set `{a="x",b="y"}` starting at text[0] === '{'; returns the labels and the index after '}'. */
function parseLabels(text: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === '}') return { labels, end: i + 1 };
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(text.slice(i));
    if (m === null) throw new Error(`bad label at ${JSON.stringify(text.slice(i))}`);
    i += m[0].length;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error('unterminated label value');
      if (c === '"') break;
      if (c === '\n') throw new Error('raw line feed in a label value');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`bad escape \\${e ?? ''}`);
        i += 2;
        continue;
      }
      value += c;
      i += 1;
    }
    i += 1;
    if (m[1]! in labels) throw new Error(`label ${m[1]} twice`);
    labels[m[1]!] = value;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`expected , or } at ${JSON.stringify(text.slice(i))}`);
  }
}

export function parseExposition(text: string): Map<string, PromFamily> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, PromFamily>();
  let current: PromFamily | null = null;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (help) {
      if (families.has(help[1]!)) throw new Error(`family ${help[1]} announced twice`);
      current = { name: help[1]!, help: help[2]!, type: '', samples: [] };
      families.set(current.name, current);
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      if (current === null || current.name !== type[1] || current.type !== '' || current.samples.length > 0) throw new Error(`TYPE out of place: ${line}`);
      current.type = type[2]!;
      continue;
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (name === undefined || current === null) throw new Error(`bad line ${JSON.stringify(line)}`);
    const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    if (!suffixes.some((s) => name === current!.name + s)) throw new Error(`sample ${name} outside its family ${current.name}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest);
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    if (!rest.startsWith(' ')) throw new Error(`bad line ${JSON.stringify(line)}`);
    current.samples.push({ name, labels, value: parseValue(rest.slice(1)) });
  }
  return families;
}

/** The value of the one sample of `family` (suffix included in `name`) whose labels include `labels`. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
  if (family === undefined) throw new Error(`no family ${name}`);
  const hits = family.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length !== 1) throw new Error(`${hits.length} samples of ${name} ${JSON.stringify(labels)}`);
  return hits[0]!.value;
}
