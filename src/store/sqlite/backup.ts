// Online backup (SPEC R10.3): SQLite's backup API copies a consistent snapshot while the server keeps running.
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createPrivateFile, PRIVATE_FILE_MODE } from '../../files/private-files.js';
import type { SqliteDb } from './database.js';

export interface BackupResult {
  path: string;
  totalPages: number;
}

/**
 * Copies the database to `destination`. The copy is written beside it under a temporary name and renamed
 * into place when complete, so a failed backup never leaves a half-written file under the final name.
 */
export async function backupDatabase(db: SqliteDb, destination: string): Promise<BackupResult> {
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  try {
    createPrivateFile(partial); // a copy of every message and credential: 0600 whatever the umask (issue 12 hole 16)
    const result = await db.backup(partial);
    chmodSync(partial, PRIVATE_FILE_MODE);
    renameSync(partial, destination);
    return { path: destination, totalPages: result.totalPages };
  } catch (err) {
    if (existsSync(partial)) rmSync(partial, { force: true });
    throw err;
  }
}
