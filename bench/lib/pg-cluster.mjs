// A private PostgreSQL cluster for tests and benchmarks (issue 18): Debian's `postgresql` binaries run an initdb'd
// cluster in a temporary directory, reachable only through a Unix socket there (no TCP listener). PostgreSQL
// refuses to run as root, so as root it runs as the `postgres` user the package creates. The tests run it without
// fsync (speed; nothing there measures PostgreSQL's own durability); the benchmark with PostgreSQL's defaults.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where initdb, pg_ctl and postgres are: $POSTERN_PG_BIN, else the newest /usr/lib/postgresql/N/bin; null: none. */
export function findPgBin() {
  const fromEnv = process.env.POSTERN_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'pg_ctl')) ? fromEnv : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** @param {string} name */
function ids(name) {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * Starts a cluster; throws with the reason when it cannot.
 * @param {string} bin @param {{ durable?: boolean, maxConnections?: number, settings?: string[] }} [o]
 * @returns {{ socketDir: string, user: string, stop(): void }}
 */
export function startPgCluster(bin, o = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'postern-pg-'));
  const owner = process.getuid?.() === 0 ? ids('postgres') : null;
  if (process.getuid?.() === 0 && !owner) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  /** @param {string} tool @param {string[]} args */
  const run = (tool, args) => {
    const argv = [join(bin, tool), ...args];
    if (owner) execFileSync('runuser', ['-u', 'postgres', '--', ...argv], { stdio: 'pipe', cwd: dir, timeout: 60_000 });
    else execFileSync(argv[0] ?? tool, argv.slice(1), { stdio: 'pipe', cwd: dir, timeout: 60_000 });
  };
  const data = join(dir, 'data');
  const user = 'postern';
  let options = '';
  try {
    run('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', ...(o.durable ? [] : ['--no-sync'])]);
    const settings = [
      `-k ${dir}`,
      "-c listen_addresses=''",
      `-c max_connections=${o.maxConnections ?? 300}`,
      ...(o.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      ...(o.settings ?? []),
    ];
    options = settings.join(' ');
    run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = /** @type {{ stderr?: Buffer }} */ (err).stderr?.toString().trim();
    throw new Error(`could not start PostgreSQL: ${stderr || /** @type {Error} */ (err).message}`);
  }
  const pgCtl = (/** @type {string[]} */ args) => run('pg_ctl', ['-D', data, ...args]);
  return {
    socketDir: dir,
    user,
    /** Stops the server and keeps the cluster (a database that goes away; `resume` starts it again). */
    pause() {
      pgCtl(['-m', 'fast', '-w', '-t', '30', 'stop']);
    },
    resume() {
      pgCtl(['-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The connection URL of database `db` on the cluster. @param {{ socketDir: string, user: string }} info @param {string} db */
export function pgUrl(info, db) {
  return `postgresql://${info.user}@/${db}?host=${encodeURIComponent(info.socketDir)}`;
}
