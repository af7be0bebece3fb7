// Schema migrations of the PostgreSQL store (SPEC R9.2): the ordered files under migrations-pg/, each applied in its
// own transaction with the new `schema_version`, under an advisory lock so that front ends starting at once apply
// each step once; a database newer than the code is refused.
import { fileURLToPath } from 'node:url';
import { latestVersion, loadMigrationFiles, MigrationError, type Migration, type MigrationOutcome } from '../migration-files.js';
import { transaction, type PgClient, type PgPool } from './database.js';

/** migrations-pg/ at the repository root, both from src/store/postgres/ and from dist/store/postgres/. */
export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations-pg/', import.meta.url));

/** The advisory lock key that serialises migrations (any fixed number; 'PSTN' in ASCII). */
const MIGRATION_LOCK = 0x5053544e;

export function loadPgMigrations(dir: string = PG_MIGRATIONS_DIR): Migration[] {
  return loadMigrationFiles(dir);
}

async function currentVersion(client: PgClient): Promise<number> {
  await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const rows = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows;
  return rows[0]?.version ?? 0;
}

/** Brings the database to the newest known version; re-running on an up-to-date database changes nothing. */
export async function migratePg(pool: PgPool, migrations: readonly Migration[] = loadPgMigrations()): Promise<MigrationOutcome> {
  const latest = latestVersion(migrations);
  const applied: number[] = [];
  let from = -1;
  let to = 0;
  for (;;) {
    const step = await transaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const current = await currentVersion(client);
      if (from < 0) from = current;
      if (current > latest) {
        throw new MigrationError(`database schema version ${current} is newer than this Postern knows (${latest}); upgrade Postern`);
      }
      const next = migrations.find((m) => m.version === current + 1);
      if (!next) return { current, applied: null };
      await client.query(next.sql);
      await client.query('DELETE FROM schema_version');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [next.version]);
      return { current: next.version, applied: next.version };
    });
    to = step.current;
    if (step.applied === null) break;
    applied.push(step.applied);
  }
  return { from: Math.max(0, from), to, applied };
}
