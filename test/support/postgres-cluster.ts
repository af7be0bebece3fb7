// A private PostgreSQL for tests (issue 18): Debian's `postgresql` binaries run an initdb'd cluster in a temporary
// directory, reachable only through a Unix socket there (no TCP listener). PostgreSQL refuses to run as root, so
// as root it runs as the `postgres` user the package creates. Settings favour test speed (no fsync): nothing
// here measures durability of PostgreSQL itself.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgClusterInfo {
  /** The directory holding the cluster's socket (`.s.PGSQL.5432`). */
  socketDir: string;
  /** The superuser to connect as. */
  user: string;
}

export interface PgCluster extends PgClusterInfo {
  stop(): void;
}

/** Where initdb, pg_ctl and postgres are: $POSTERN_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function findPgBin(): string | null {
  const fromEnv = process.env['POSTERN_PG_BIN'];
  if (fromEnv) return existsSync(join(fromEnv, 'pg_ctl')) ? fromEnv : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function ids(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/** Starts a cluster; throws with the reason when it cannot (then the PostgreSQL tests are skipped, saying so). */
export function startPgCluster(bin: string): PgCluster {
  const dir = mkdtempSync(join(tmpdir(), 'postern-pg-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? ids('postgres') : null;
  if (asRoot && !owner) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (tool: string, args: string[]): void => {
    const argv = [join(bin, tool), ...args];
    const [file, rest] = owner ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0]!, argv.slice(1)];
    execFileSync(file, rest, { stdio: 'pipe', cwd: dir, timeout: 60_000 });
  };
  const data = join(dir, 'data');
  const user = 'postern';
  try {
    run('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const options = [
      `-k ${dir}`,
      "-c listen_addresses=''",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
      '-c shared_buffers=64MB',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not start PostgreSQL: ${stderr || (err as Error).message}`);
  }
  return {
    socketDir: dir,
    user,
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

/** The connection URL of database `db` on the cluster. */
export function pgUrl(info: PgClusterInfo, db: string): string {
  return `postgresql://${info.user}@/${db}?host=${encodeURIComponent(info.socketDir)}`;
}
