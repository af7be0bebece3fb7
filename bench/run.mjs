// `npm run bench`: runs every workload against a private Postern, when PostgreSQL is installed a private Postern on
// PostgreSQL (two front ends, one database: issue 18), and when installed a private Dovecot; prints JSON lines and a ratio table.
import { spawnSync } from 'node:child_process';
import { readFileSync, appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { findDovecot, running, startDovecot, startPostern } from './lib/servers.mjs';
import { pgUnavailable, startPosternPg } from './lib/postern-pg.mjs';
import { METRICS } from './lib/metrics.mjs';
import { loginUsers } from './lib/logins.mjs';
import { PASSWORD, USERS, idleScaling, runAll } from './lib/workloads.mjs';

const HELP = `usage: npm run bench -- [options]
  --quick                 tiny sizes (seconds)
  --n N                   messages ingested over LMTP (default 10000)
  --c C                   concurrent LMTP connections (default 4)
  --k K                   idle IMAP connections (default 1000)
  --appends A             messages APPENDed (default 1000)
  --singles S             single-UID STOREs (default 500)
  --login-users U         accounts logging in at once after a restart (default 1000)
  --wrong-logins W        wrong-password LOGINs in the burst (default 1000)
  --seed S                message generator seed (default 42)
  --phase-timeout S       seconds each phase may take (default 300, or N/100 when more: --n 100000 gets 1000)
  --servers LIST          postern,postern-pg,dovecot (default: all that can run: postern-pg when PostgreSQL is
                          installed, dovecot when Dovecot is). postern-pg: a private PostgreSQL cluster with its
                          default (durable) settings, one database, two Postern front ends A and B over it
  --out FILE              also append the JSON lines to FILE
  --postern-node-args A   node options for the Postern child only, space-separated
                          (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"; written when the bench stops it)
  --postern-log-level L   Postern log level (default info)
  --idle-ks LIST          the idle mode: only IDLE connections, opened in steps up to each K of LIST
                          (e.g. 1000,2500,5000,10000) in one fresh server; memory per connection is the slope
                          of a linear fit over the steps; then the deliveries at the largest K
  --idle-messages M       idle mode: messages delivered to the IDLE user's INBOX first (default 0)
  --dovecot-max-k K       idle mode: Dovecot (a process per connection) gets only the steps up to K (default 1000)`;

/** @param {string[]} argv */
function parse(argv) {
  /** @type {Record<string, string|boolean>} */ const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = /** @type {string} */ (argv[i]);
    if (a === '--quick' || a === '--help' || a === '-h') o[a.replace(/^-+/, '')] = true;
    else if (a.startsWith('--')) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      o[a.slice(2)] = v;
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const opts = parse(process.argv.slice(2));
if (opts.help || opts.h) { console.log(HELP); process.exit(0); }
const quick = opts.quick === true;
/** @param {string} k @param {number} full @param {number} q */
const num = (k, full, q) => {
  const v = opts[k];
  if (typeof v === 'string') { const n = Number(v); if (!Number.isInteger(n) || n < 1) throw new Error(`--${k}: a positive integer`); return n; }
  return quick ? q : full;
};
/** The idle mode's steps (issue 17 item 3), or null for the full run. */
const idleKs = typeof opts['idle-ks'] === 'string'
  ? opts['idle-ks'].split(',').map((x) => { const n = Number(x); if (!Number.isInteger(n) || n < 1) throw new Error('--idle-ks: positive integers, comma-separated'); return n; })
  : null;
const params = {
  n: num('n', 10_000, 60), c: num('c', 4, 2), k: idleKs ? Math.max(...idleKs) : num('k', 1000, 8), appends: num('appends', 1000, 20), singles: num('singles', 500, 20),
  searchRuns: quick ? 2 : 5, warmRuns: quick ? 1 : 3, idleDeliveries: quick ? 1 : 3, idleTimeoutMs: quick ? 10_000 : 45_000,
  seed: num('seed', 42, 42), phaseTimeoutMs: 0, loginUsers: num('login-users', 1000, 10), wrongLogins: num('wrong-logins', 1000, 20),
  loginSeconds: quick ? 2 : 10,
};
// A phase (ingest above all) grows with N: a fixed 300 s would cut --n 100000's ingest short.
params.phaseTimeoutMs = num('phase-timeout', Math.max(300, Math.ceil(params.n / 100)), 60) * 1000;

// File descriptors: K client sockets here, K in the server (a child: it inherits the limit) plus their own files.
// Re-exec under a raised soft limit if needed.
const need = Math.max(params.k, params.loginUsers) + 1024;
const soft = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 1024);
if (soft < need && !process.env.BENCH_REEXEC) {
  const r = spawnSync('/bin/sh', ['-c', `ulimit -n ${need} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_REEXEC: '1' } });
  process.exit(r.status ?? 1);
}
if (soft < need) process.stderr.write(`bench: open-file limit ${soft} is below ${need}; idle connections may fail\n`);

const SERVERS = ['postern', 'postern-pg', 'dovecot'];
const wanted = typeof opts.servers === 'string' ? opts.servers.split(',') : SERVERS;
for (const name of wanted) if (!SERVERS.includes(name)) throw new Error(`unknown server ${name} (known: ${SERVERS.join(', ')})`);
const dovecotBin = findDovecot();
if (wanted.includes('dovecot') && !dovecotBin) process.stderr.write('bench: Dovecot is not installed; not running it\n');
const noPg = pgUnavailable();
if (wanted.includes('postern-pg') && noPg) process.stderr.write(`bench: ${noPg}; not running postern-pg\n`);

/** @type {Array<Record<string, unknown>>} */ const results = [];
const out = typeof opts.out === 'string' ? opts.out : null;
/** @param {string} server @returns {import('./lib/workloads.mjs').Emit} */
const emitter = (server) => (workload, data) => {
  const line = JSON.stringify({ server, workload, ...data });
  results.push({ server, workload, ...data });
  process.stdout.write(`${line}\n`);
  if (out) appendFileSync(out, `${line}\n`);
};

let stopping = false;
async function stopAll() { for (const s of [...running]) await s.stop().catch(() => undefined); }
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bench: ${sig}, stopping servers\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

const users = [USERS.main, USERS.append, USERS.idle];
const maxConns = Math.max(params.k, params.loginUsers) + 256;
const extraUsers = loginUsers(params.loginUsers);
const started = Date.now();
let failed = false;
const meta = { server: 'bench', workload: 'params', ...params, nproc: cpus().length, mem_mb: Math.round(totalmem() / 2 ** 20), node: process.version };
process.stdout.write(`${JSON.stringify(meta)}\n`);
if (out) appendFileSync(out, `${JSON.stringify(meta)}\n`);

/** @type {Record<string, string>} */ const versions = {};
for (const name of wanted) {
  if (name === 'dovecot' && !dovecotBin) continue;
  if (name === 'postern-pg' && noPg) continue;
  let srv;
  try {
    const posternOpts = { users, loginUsers: extraUsers, password: PASSWORD, maxConns, nodeArgs: typeof opts['postern-node-args'] === 'string' ? opts['postern-node-args'].split(' ').filter(Boolean) : undefined,
      logLevel: typeof opts['postern-log-level'] === 'string' ? opts['postern-log-level'] : undefined };
    srv = name === 'postern' ? await startPostern(posternOpts)
      : name === 'postern-pg' ? await startPosternPg(posternOpts)
        : await startDovecot({ bin: /** @type {string} */ (dovecotBin), users, loginUsers: extraUsers, password: PASSWORD, maxConns });
    versions[name] = srv.version;
    emitter(name)('server', { version: srv.version, ports: srv.ports, ...srv.details });
    if (idleKs === null) await runAll(srv, params, emitter(name));
    else {
      const cap = name === 'dovecot' ? num('dovecot-max-k', 1000, 8) : Infinity;
      const ks = idleKs.filter((k) => k <= cap);
      if (ks.length < idleKs.length) emitter(name)('idle_capped', { ks_skipped: idleKs.filter((k) => k > cap), reason: 'a process per connection: --dovecot-max-k' });
      if (ks.length > 0) await idleScaling(srv, params, { ks, idleMessages: num('idle-messages', 0, 0) }, emitter(name));
    }
  } catch (e) {
    if (stopping) await new Promise(() => undefined); // the signal handler stops the servers and exits
    failed = true;
    process.stderr.write(`bench: ${name}: ${e instanceof Error ? e.stack : String(e)}\n`);
    emitter(name)('error', { message: e instanceof Error ? e.message : String(e) });
  } finally {
    if (srv) await srv.stop();
  }
}

printTable();
process.stderr.write(`bench: finished in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(failed ? 1 : 0);

function printTable() {
  const rows = METRICS;
  /** @param {string} s @param {string} w @param {string} f */
  const get = (s, w, f) => {
    const r = results.find((x) => x.server === s && x.workload === w);
    const v = r?.[f];
    return typeof v === 'number' ? v : null;
  };
  const ran = (/** @type {string} */ s) => results.some((r) => r.server === s && r.workload !== 'error' && r.workload !== 'server');
  const both = ran('dovecot');
  const pg = ran('postern-pg');
  const lines = [];
  lines.push('');
  lines.push(`Postern / Dovecot ratio: for "higher is better" rows a ratio above 1 favours Postern; for "lower is better" rows a ratio below 1 favours Postern.`);
  if (pg) lines.push('postern-pg: Postern on PostgreSQL, two front ends over one database; PG/D is its ratio to Dovecot, PG/P to Postern on SQLite.');
  const head = ['metric', 'better', 'postern', ...(pg ? ['postern-pg'] : []), 'dovecot', 'P/D ratio', ...(pg ? ['PG/D', 'PG/P'] : []), 'verdict'];
  /** @param {number|null} x @param {number|null} y */
  const ratio = (x, y) => (x !== null && y !== null && y !== 0 ? x / y : null);
  const shown = rows.filter(([w, f]) => ['postern', 'postern-pg', 'dovecot'].some((s) => get(s, w, f) !== null));
  const body = shown.map(([w, f, label, better]) => {
    const p = get('postern', w, f);
    const g = get('postern-pg', w, f);
    const d = get('dovecot', w, f);
    const pd = ratio(p, d);
    const wins = pd === null ? '' : (better === 'higher' ? pd >= 1 : pd <= 1) ? 'Postern' : 'Dovecot';
    const r = (/** @type {number|null} */ x) => (x === null ? '-' : x.toFixed(2));
    return [label, `${better} is better`, fmt(p), ...(pg ? [fmt(g)] : []), both ? fmt(d) : '-', r(pd), ...(pg ? [r(ratio(g, d)), r(ratio(g, p))] : []), wins];
  });
  const last = head.length - 1;
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const row = (/** @type {string[]} */ cells) => cells.map((c, i) => (i >= 2 && i < last ? String(c).padStart(widths[i] ?? 0) : String(c).padEnd(widths[i] ?? 0))).join('  ');
  lines.push(row(head));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) lines.push(row(b));
  process.stdout.write(`${lines.join('\n')}\n`);
  if (out) appendFileSync(out, lines.map((l) => `# ${l}`).join('\n') + '\n');
}

/** @param {number|null} v */
function fmt(v) { return v === null ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2); }
