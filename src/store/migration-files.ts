// Ordered schema migrations as files (SPEC R9.2): NNNN-name.sql under a directory, versions 1, 2, 3 … without
// gaps; migrations/ for the SQLite store, migrations-pg/ for the PostgreSQL store.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
export function loadMigrationFiles(dir: string): Migration[] {
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

/** The newest version among `migrations` (0 when none). */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : (migrations[migrations.length - 1]?.version ?? 0);
}
