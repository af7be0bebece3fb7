// Benchmark server `postern-pg` (issue 18 "Done means"): a private, durable PostgreSQL cluster (pg-cluster.mjs,
// PostgreSQL's default settings: fsync on) with one database, and TWO `postern serve` front ends A and B over it,
// each with its own POSTERN_HOME (spool, admin socket) and the same `store:` block. Users are made through A's CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPgBin, pgUrl, startPgCluster } from './pg-cluster.mjs';
import {
  POSTERN_BIN, ROOT, addLoginUsers, launchPostern, memOf, posternConfig, posternEnv, posternVersion, run, running,
} from './servers.mjs';

/** The settings reported with the results (SHOW of each). */
const SHOWN = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'max_connections'];
/** Pooled connections per front end (store.poolSize; the schema's default). */
const POOL_SIZE = 10;

/** @returns {string|null} why postern-pg cannot run here, or null when it can */
export function pgUnavailable() {
  return findPgBin() ? null : 'PostgreSQL is not installed (no /usr/lib/postgresql/N/bin, POSTERN_PG_BIN unset)';
}

/** @param {string} url @param {(c: import('pg').Client) => Promise<unknown>} fn */
async function withClient(url, fn) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

/**
 * Starts the cluster, the database and front ends A and B; stopped (cluster and temp dirs too) by stop(), on a
 * failure here, and by run.mjs on a signal (`running`).
 * @param {{users: string[], loginUsers?: string[], password: string, maxConns: number, nodeArgs?: string[], logLevel?: string}} o
 * @returns {Promise<import('./servers.mjs').Server>}
 */
export async function startPosternPg(o) {
  const bin = findPgBin();
  if (!bin) throw new Error(/** @type {string} */ (pgUnavailable()));
  /** @type {ReturnType<typeof startPgCluster> | null} */ let cluster = null;
  /** @type {string[]} */ const dirs = [];
  /** @type {Array<{proc: import('./servers.mjs').Proc | null, env: NodeJS.ProcessEnv, dir: string, ports: import('./servers.mjs').Server['ports']}>} */
  const fronts = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(srv);
    for (const f of fronts) await f.proc?.stop(10_000);
    cluster?.stop();
    if (!process.env.BENCH_KEEP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  /** @param {number} i */
  const launch = async (i) => {
    const f = /** @type {(typeof fronts)[number]} */ (fronts[i]);
    const started = await launchPostern(f.env, f.dir, o.nodeArgs);
    f.proc = started.proc;
    f.ports = started.ports;
    if (stopped) await started.proc.stop(10_000); // a signal's stop() came while it started
  };
  /** @type {import('./servers.mjs').Server} */
  const srv = {
    name: 'postern-pg',
    version: posternVersion(),
    host: '127.0.0.1',
    get ports() { return fronts[0]?.ports ?? { lmtp: 0, imap: 0, imaps: 0, pop3: 0 }; },
    get second() { return fronts[1]; },
    dir: '',
    pid: () => fronts[0]?.proc?.pid ?? -1,
    // Front end B's process: it holds the IDLE connections (A's memory does not change with them).
    memory: () => {
      const m = memOf(fronts[1]?.proc?.pid ?? -1);
      return { ...m, processes: 1, imapRssKb: m.rssKb, imapProcesses: 1 };
    },
    restart: async () => {
      for (const f of fronts) await f.proc?.stop(10_000);
      for (let i = 0; i < fronts.length; i++) await launch(i);
    },
    stop,
  };
  running.add(srv);
  try {
    cluster = startPgCluster(bin, { durable: true, maxConnections: 100 });
    const admin = pgUrl(cluster, 'postgres');
    /** @type {Record<string, string>} */ const settings = {};
    await withClient(admin, async (c) => {
      await c.query("CREATE DATABASE postern TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
      for (const name of SHOWN) settings[name] = (await c.query(`SHOW ${name}`)).rows[0][name];
    });
    const url = pgUrl(cluster, 'postern');
    for (const name of ['A', 'B']) {
      const dir = mkdtempSync(join(tmpdir(), `bench-postern-pg-${name}-`));
      dirs.push(dir);
      writeFileSync(join(dir, 'postern.yaml'), posternConfig(o, [`store: { backend: postgres, url: ${JSON.stringify(url)}, poolSize: ${POOL_SIZE} }`]));
      fronts.push({ proc: null, env: posternEnv(dir), dir, ports: { lmtp: 0, imap: 0, imaps: 0, pop3: 0 } });
    }
    srv.dir = dirs[0] ?? '';
    const a = /** @type {(typeof fronts)[number]} */ (fronts[0]);
    for (const u of o.users) run(process.execPath, [POSTERN_BIN, 'user', 'add', u], a.env, `${o.password}\n`);
    await addLoginUsers(async () => {
      const { openPostgresStore } = await import(join(ROOT, 'dist/store/postgres/postgres-store.js'));
      return openPostgresStore({ url, poolSize: 2 });
    }, o.loginUsers ?? [], o.password);
    await launch(0);
    await launch(1);
    srv.details = {
      front_ends: 2, pool_size_per_front_end: POOL_SIZE, postgres: { durable: true, ...settings },
      ports_b: fronts[1]?.ports,
      layout: 'ingest: LMTP connections alternate A, B; IDLE: connections on B, deliveries through A; every other workload through A; IDLE memory: B\'s process',
    };
  } catch (e) {
    await stop();
    throw e;
  }
  return srv;
}
