// docs/metrics.md and docs/grafana-dashboard.json keep up with the families Postern serves (issue 16 item 4):
// every family is documented and drawn by some dashboard panel, and the dashboard names no other family.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics/metrics.js';
import { parseExposition } from '../../support/prom-text.js';

const doc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
const dashboard = JSON.parse(readFileSync(new URL('../../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};
const facts = { store: { databaseBytes: 1, messages: 1, bodies: 1 }, textIndexBacklog: 0, memory: { rss: 1, heapUsed: 1, heapTotal: 1 }, uptimeSeconds: 1 };
const families = [...parseExposition(new Metrics().render(facts)).keys()];

describe('metrics documentation', () => {
  it('documents every family in the table of docs/metrics.md', () => {
    for (const name of families) expect(doc, name).toContain(`| \`${name}\` |`);
  });

  it('draws every family in the Grafana dashboard, and no family that does not exist', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const name of families) expect(exprs.some((e) => new RegExp(`\\b${name}(_bucket|_count|_sum)?\\b`).test(e)), name).toBe(true);
    const used = new Set(exprs.flatMap((e) => e.match(/postern_[a-z_]+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, '')));
    for (const name of used) expect(families, name).toContain(name);
  });
});
