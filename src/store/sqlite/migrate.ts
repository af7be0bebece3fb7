// Schema migrations (SPEC R9.2): the ordered SQL files under migrations/ (NNNN-name.sql), each applied in its
// own IMMEDIATE transaction together with the new `schema_version`; a database newer than the code is refused.
import { fileURLToPath } from 'node:url';
import { latestVersion, loadMigrationFiles, MigrationError, type Migration, type MigrationOutcome } from '../migration-files.js';
import type { SqliteDb } from './database.js';

export { MigrationError, type Migration, type MigrationOutcome } from '../migration-files.js';

/** migrations/ at the repository root, both from src/store/sqlite/ and from dist/store/sqlite/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** The migrations in `dir`, ordered by numeric prefix; versions must run 1, 2, 3 ... without gaps. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return loadMigrationFiles(dir);
}

function ensureVersionTable(db: SqliteDb): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
}

/** The schema version recorded in the database; 0 for an empty database. */
export function schemaVersion(db: SqliteDb): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  return row?.version ?? 0;
}

function setVersion(db: SqliteDb, version: number): void {
  db.prepare('DELETE FROM schema_version').run();
  db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
}

/**
 * Brings the database to the newest known version. Re-opening an up-to-date database changes nothing.
 * Each step re-reads the version inside its transaction, so two processes opening at once apply it once.
 */
export function migrate(db: SqliteDb, migrations: readonly Migration[] = loadMigrations()): MigrationOutcome {
  const latest = latestVersion(migrations);
  const from = schemaVersion(db);
  if (from > latest) {
    throw new MigrationError(
      `database schema version ${from} is newer than this Postern knows (${latest}); upgrade Postern`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      ensureVersionTable(db);
      const current = schemaVersion(db);
      if (current >= migration.version) return;
      if (current !== migration.version - 1) {
        throw new MigrationError(`cannot apply ${migration.name} to a database at version ${current}`);
      }
      db.exec(migration.sql);
      setVersion(db, migration.version);
      applied.push(migration.version);
    }).immediate();
  }
  return { from, to: Math.max(from, schemaVersion(db)), applied };
}
