// Summarises several `npm run bench -- --out FILE` runs as a Markdown table: each run's value, and the P/D ratio range.
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
const out = [];
out.push(`| metric | better | Postern (${runs.map((_, i) => `run ${i + 1}`).join(' / ')}) | Dovecot (${runs.map((_, i) => `run ${i + 1}`).join(' / ')}) | P/D ratio (min–max) |`);
out.push('| --- | --- | --- | --- | --- |');
for (const [w, f, label, better] of METRICS) {
  const p = runs.map((r) => get(r, 'postern', w, f));
  const d = runs.map((r) => get(r, 'dovecot', w, f));
  const ratios = p.map((x, i) => (x !== null && d[i] !== null && d[i] !== 0 ? x / /** @type {number} */ (d[i]) : null)).filter((x) => x !== null);
  const range = ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '-';
  out.push(`| ${label} | ${better} | ${p.map(fmt).join(' / ')} | ${d.map(fmt).join(' / ')} | ${range} |`);
}
console.log(out.join('\n'));
