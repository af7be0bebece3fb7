// Full-text search of a mailbox and RFC 8970 previews (SPEC R7.4; RFC 9051 §6.4.4 BODY / TEXT; issue 15 item 6):
// the PostgreSQL form of sqlite/text-index/. Each body's decoded, folded text (mime/fold.ts textForm) is stored at
// ingest (derived.ts); a search is a LIKE substring test of the folded needle, which the pg_trgm GIN indexes answer
// for needles of a trigram or more and which stays exact (LIKE rechecks) for shorter ones. A body without a current
// row is checked from its text extracted here, so a search is always complete.
import { textForm } from '../../mime/fold.js';
import type { MessageText } from '../../mime/text.js';
import type { PgContext } from './context.js';
import type { PgClient } from './database.js';
import { storedPreview, storedText, writeText } from './derived.js';
import { BODY_TEXT_VERSION } from './search-extract.js';
import { containsPattern } from './search-keys.js';

/**
 * The indexed messages of a mailbox whose text (and header, for 'text') holds the LIKE pattern $3: each LIKE on its
 * own column, so that PostgreSQL can answer it from that column's trigram index (a bitmap OR for 'text').
 */
export function textMatchSql(where: 'body' | 'text'): string {
  return `SELECT m.uid FROM body_text t JOIN messages m ON m.body_id = t.body_id WHERE m.mailbox_id = $1 AND t.version = $2 AND ${textTest(where, '$3')}`;
}

/** The test of body_text row `t` against the LIKE pattern `param`. */
export const textTest = (where: 'body' | 'text', param: string): string =>
  where === 'text' ? `(t.text LIKE ${param} OR t.header LIKE ${param})` : `t.text LIKE ${param}`;

/** Below this many messages a mailbox's own texts are read: the trigram index could save little. */
const INDEX_FIRST_FROM = 200;

/**
 * The UIDs of the mailbox's indexed messages that match. Which way is cheaper depends on the needle: a rare word is
 * found in milliseconds by the trigram index, a common one (or one with no trigram) is cheaper to test against the
 * mailbox's own texts. PostgreSQL's planner chooses well only with statistics as recent as the table, and a young or
 * freshly filled store has none (measured: 150–300 ms on 5,000–10,000 messages instead of a few). So the choice is
 * made here, bounded: the index is asked for at most as many bodies as the mailbox has messages; when it has more,
 * the needle is common and the mailbox's texts are read instead — never more than twice the work of reading them.
 */
async function indexedMatches(client: PgClient, mailboxId: number, needle: string, where: 'body' | 'text'): Promise<number[]> {
  const pattern = containsPattern(needle);
  if (/[\p{L}\p{N}]{3}/u.test(needle)) {
    const size = (await client.query<{ n: number }>('SELECT messages AS n FROM mailboxes WHERE id = $1', [mailboxId])).rows[0]?.n ?? 0;
    if (size >= INDEX_FIRST_FROM) {
      // Only bitmap scans of the trigram indexes (LIMIT stops the rechecks, not the index lookup); SET LOCAL ends with
      // the transaction, so an error here undoes it too.
      await client.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off');
      const { rows } = await client.query<{ body_id: number }>(
        `SELECT t.body_id FROM body_text t WHERE t.version = $1 AND ${textTest(where, '$2')} LIMIT $3`,
        [BODY_TEXT_VERSION, pattern, size + 1],
      );
      await client.query('SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on');
      if (rows.length <= size) {
        const bodies = rows.map((r) => r.body_id);
        return (await client.query<{ uid: number }>('SELECT uid FROM messages WHERE mailbox_id = $1 AND body_id = ANY($2::bigint[])', [mailboxId, bodies])).rows.map(
          (r) => r.uid,
        );
      }
    }
  }
  return (await client.query<{ uid: number }>(textMatchSql(where), [mailboxId, BODY_TEXT_VERSION, pattern])).rows.map((r) => r.uid);
}

export class TextSearchPg {
  constructor(private readonly ctx: PgContext) {}

  /** Stores the text rows of bodies that had none; a failure leaves it to a later search. */
  async backfill(bodies: ReadonlyMap<number, MessageText>): Promise<void> {
    if (bodies.size === 0) return;
    try {
      await this.ctx.write(async (client) => {
        for (const [bodyId, text] of bodies) {
          const { rowCount } = await client.query('SELECT 1 FROM bodies WHERE id = $1 FOR KEY SHARE', [bodyId]);
          if (rowCount) await writeText(client, bodyId, text);
        }
        return { value: undefined, changes: [] };
      });
    } catch {
      // The search was answered anyway.
    }
  }

  /**
   * UIDs, ascending, of the mailbox's messages whose decoded body ('body'), or header and body ('text'), contains
   * `text` case-insensitively (as the needle and the text are folded alike, a plain substring test).
   */
  async search(client: PgClient, mailboxId: number, text: string, where: 'body' | 'text', missing: Map<number, MessageText>): Promise<number[]> {
    const needle = textForm(text);
    const header = where === 'text';
    const hits = new Set<number>();
    // A stored text never holds NUL (derived.ts writeText): a needle holding one is found only in texts read here.
    if (!needle.includes('\u0000')) for (const uid of await indexedMatches(client, mailboxId, needle, where)) hits.add(uid);
    const { rows: unindexed } = await client.query<{ uid: number; body_id: number; version: number | null }>(
      'SELECT m.uid, m.body_id, t.version FROM messages m LEFT JOIN body_text t ON t.body_id = m.body_id ' +
        'WHERE m.mailbox_id = $1 AND t.version IS DISTINCT FROM $2 ORDER BY m.body_id',
      [mailboxId, BODY_TEXT_VERSION],
    );
    let lastBody = -1;
    let found = false;
    for (const { uid, body_id: bodyId, version } of unindexed) {
      if (bodyId !== lastBody) {
        const t = await storedText(client, bodyId);
        lastBody = bodyId;
        found = t !== undefined && (t.body.includes(needle) || (header && t.header.includes(needle)));
        // A body without a row gets one after the read (as the SQLite store indexes on search); a stale one
        // (text PostgreSQL cannot hold) would only be stale again.
        if (t !== undefined && version === null) missing.set(bodyId, t);
      }
      if (found) hits.add(uid);
    }
    return [...hits].sort((a, b) => a - b);
  }

  /**
   * The previews of the listed messages that exist: the stored one; for a body without one (none can be stored)
   * null when `lazy` (PREVIEW (LAZY) answers NIL), else computed from its first text part.
   */
  async previews(client: PgClient, mailboxId: number, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    const out = new Map<number, string | null>();
    if (uids.length === 0) return out;
    const { rows } = await client.query<{ uid: number; body_id: number; preview: string | null }>(
      'SELECT m.uid, m.body_id, CASE WHEN t.version = $3 THEN t.preview END AS preview FROM messages m ' +
        'LEFT JOIN body_text t ON t.body_id = m.body_id WHERE m.mailbox_id = $1 AND m.uid = ANY($2::bigint[]) ORDER BY m.uid',
      [mailboxId, uids.filter(Number.isSafeInteger), BODY_TEXT_VERSION],
    );
    const byUid = new Map(rows.map((r) => [r.uid, r]));
    // In the order asked for, as the SQLite store answers.
    for (const uid of uids) {
      const row = byUid.get(uid);
      if (!row || out.has(uid)) continue;
      if (row.preview !== null || lazy) out.set(uid, row.preview);
      else {
        const computed = await storedPreview(client, row.body_id);
        if (computed !== undefined) out.set(uid, computed);
      }
    }
    return out;
  }
}
