// Summarises several `npm run bench -- --out FILE` runs as a Markdown table: per server (postern, postern-pg,
// dovecot: those present) each run's value, and the ratio ranges P/D, PG/D and PG/P over the runs.
// usage: node bench/summarize.mjs run1.jsonl run2.jsonl ...
import { readFileSync } from 'node:fs';
import { METRICS } from './lib/metrics.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/summarize.mjs RUN.jsonl...');
  process.exit(2);
}
const runs = files.map((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l)),
);
/** @param {any[]} run @param {string} s @param {string} w @param {string} f @returns {number|null} */
const get = (run, s, w, f) => {
  const v = run.find((x) => x.server === s && x.workload === w)?.[f];
  return typeof v === 'number' ? v : null;
};
/** @param {number|null} v */
const fmt = (v) => (v === null ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const NAMES = /** @type {Record<string, string>} */ ({ postern: 'Postern', 'postern-pg': 'Postern-on-PostgreSQL', dovecot: 'Dovecot' });
const servers = Object.keys(NAMES).filter((s) => runs.some((r) => r.some((x) => x.server === s && x.workload === 'lmtp_ingest')));
/** Ratios num/den over the runs, as "min–max". @param {string} num @param {string} den @param {string} w @param {string} f */
const ratioRange = (num, den, w, f) => {
  const rs = runs.map((r) => {
    const a = get(r, num, w, f);
    const b = get(r, den, w, f);
    return a !== null && b !== null && b !== 0 ? a / b : null;
  }).filter((x) => x !== null);
  return rs.length ? `${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}` : '-';
};
const ratios = /** @type {Array<[string, string, string]>} */ ([['P/D', 'postern', 'dovecot'], ['PG/D', 'postern-pg', 'dovecot'], ['PG/P', 'postern-pg', 'postern']])
  .filter(([, a, b]) => servers.includes(a) && servers.includes(b));
const runsLabel = runs.map((_, i) => `run ${i + 1}`).join(' / ');
const out = [];
out.push(`| metric | better | ${servers.map((s) => `${NAMES[s]} (${runsLabel})`).join(' | ')} | ${ratios.map(([l]) => `${l} (min–max)`).join(' | ')} |`);
out.push(`| --- | --- | ${servers.map(() => '---').join(' | ')} | ${ratios.map(() => '---').join(' | ')} |`);
for (const [w, f, label, better] of METRICS) {
  const cells = servers.map((s) => runs.map((r) => fmt(get(r, s, w, f))));
  if (cells.every((c) => c.every((x) => x === '-'))) continue;
  out.push(`| ${label} | ${better} | ${cells.map((c) => c.join(' / ')).join(' | ')} | ${ratios.map(([, a, b]) => ratioRange(a, b, w, f)).join(' | ')} |`);
}
console.log(out.join('\n'));
