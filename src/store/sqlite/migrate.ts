// Schema migrations (SPEC R9.2): the ordered SQL files under migrations/ (NNNN-name.sql), each applied in its
// own IMMEDIATE transaction together with the new `schema_version`; a database newer than the code is refused.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqliteDb } from './database.js';

/** migrations/ at the repository root, both from src/store/sqlite/ and from dist/store/sqlite/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: number[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE_PATTERN = /^(\d{4})-[a-z0-9][a-z0-9-]*\.sql$/;

/** The migrations in `dir`, ordered by numeric prefix; versions must run 1, 2, 3 ... without gaps. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const match = FILE_PATTERN.exec(file);
    if (!match?.[1]) continue;
    migrations.push({ version: Number(match[1]), name: file, sql: readFileSync(join(dir, file), 'utf8') });
  }
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new MigrationError(`migration ${m.name}: expected version ${i + 1} (versions must not skip or repeat)`);
    }
  });
  return migrations;
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
  const latest = migrations.length === 0 ? 0 : (migrations[migrations.length - 1]?.version ?? 0);
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
