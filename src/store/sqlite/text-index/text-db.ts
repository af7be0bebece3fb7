// The full-text index's own SQLite file (SPEC R7.4, R12): an FTS5 trigram table (which trigrams occur in which
// column, no positions) of each body's decoded header and text, each body's RFC 8970 preview (FETCH PREVIEW),
// and the high-water marks of what has been indexed and purged. It sits beside the store's file,
// is derived data (rebuilt whenever it does not match the store) and is written only by the indexer, so that
// indexing never holds the store's write lock and acknowledged deliveries never wait for it.
import { existsSync, rmSync } from 'node:fs';
import { openDatabase, writeTransaction, type SqliteDb } from '../database.js';

/**
 * Bumped when the layout or the text extraction changes: an index of another version is rebuilt (in the
 * background; searches stay complete meanwhile). 2: text parts decoded by mailparser, MIME part headers and file
 * names in the header text, text in fold.ts's textForm (issue 14 items 1–3). 3: `detail = column` (issue 14
 * item 4): no positions, so 2.2× cheaper to fill and 2.3× smaller on 10,000 bench messages (156 MB against
 * 365 MB); a search asks for the needle's trigrams anywhere in the column and checks the text itself.
 * 4: body_preview, each body's RFC 8970 preview (issue 15 item 6).
 */
export const TEXT_INDEX_VERSION = 4;

/** The store's token naming the index that belongs to it (migrations/0004). */
export const TOKEN_KEY = 'text_index_token';

/** `data/postern.sqlite` → `data/postern.text.sqlite`; any other name gets `.text.sqlite` appended. */
export function textIndexPath(storePath: string): string {
  return storePath.endsWith('.sqlite') ? `${storePath.slice(0, -'.sqlite'.length)}.text.sqlite` : `${storePath}.text.sqlite`;
}

const SCHEMA = `
  CREATE VIRTUAL TABLE IF NOT EXISTS body_text USING fts5(header, body, tokenize = 'trigram', detail = column);
  CREATE TABLE IF NOT EXISTS body_preview (body_id INTEGER PRIMARY KEY, preview TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT OR IGNORE INTO state (key, value) VALUES ('token', 0), ('indexed_max', 0), ('purged_seq', 0);
`;

export interface TextIndexMarks {
  /** Every body with an id up to this one is indexed (or no longer exists). */
  indexedMax: number;
  /** Every entry of the store's text_index_purge log up to this sequence number has been applied. */
  purgedSeq: number;
}

export function readMarks(text: SqliteDb, schema = 'main'): TextIndexMarks {
  const rows = text.prepare(`SELECT key, value FROM ${schema}.state`).all() as Array<{ key: string; value: number }>;
  const get = (key: string) => rows.find((r) => r.key === key)?.value ?? 0;
  return { indexedMax: get('indexed_max'), purgedSeq: get('purged_seq') };
}

interface StoreFacts {
  token: number;
  /** The highest body id the store has ever handed out (sqlite_sequence): ids are never reused. */
  bodySeq: number;
}

function storeFacts(store: SqliteDb): StoreFacts {
  const token = store.prepare(`SELECT value FROM store_state WHERE key = '${TOKEN_KEY}'`).pluck().get() as number | undefined;
  const seq = store.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'bodies'").pluck().get() as number | undefined;
  return { token: token ?? 0, bodySeq: seq ?? 0 };
}

/**
 * Whether an index file with these marks can serve this store: same token (same store), same layout version,
 * and nothing indexed beyond the ids the store has handed out (a store restored from an older backup would
 * hand out those ids again for other bodies).
 */
function belongs(text: SqliteDb, facts: StoreFacts): boolean {
  const version = text.pragma('user_version', { simple: true }) as number;
  const token = text.prepare("SELECT value FROM state WHERE key = 'token'").pluck().get() as number | undefined;
  return version === TEXT_INDEX_VERSION && token === facts.token && readMarks(text).indexedMax <= facts.bodySeq;
}

function removeFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Creates the index file, or checks that the existing one belongs to `store` and starts it afresh when it does
 * not (it is rebuilt in the background from the bodies). Returns whether it was (re)created. Runs under the
 * store's write lock, so that processes opening the store at once never create or remove the file together.
 */
export function prepareTextDb(store: SqliteDb, path: string): { created: boolean } {
  return writeTransaction(store, () => prepareLocked(store, path));
}

function prepareLocked(store: SqliteDb, path: string): { created: boolean } {
  const facts = storeFacts(store);
  let created = !existsSync(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = openDatabase(path);
    try {
      text.exec(SCHEMA);
      if (created) {
        text.transaction(() => {
          text.prepare("UPDATE state SET value = ? WHERE key = 'token'").run(facts.token);
          text.pragma(`user_version = ${TEXT_INDEX_VERSION}`);
        }).immediate();
      }
      if (belongs(text, facts)) return { created };
    } finally {
      text.close();
    }
    removeFiles(path);
    created = true;
  }
  throw new Error(`the text index ${path} could not be created`);
}
