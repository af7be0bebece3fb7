// The keywords in use in each mailbox, PostgreSQL side (RFC 9051 §7.3.5 FLAGS, §7.1 PERMANENTFLAGS; issue 13 item 2):
// every keyword ever set on one of its messages, first spelling kept, in order of first use; the list only grows.
// As the SQLite store's KeywordRepo (src/store/sqlite/keywords.ts): recorded in the transaction of the write that
// brings a keyword, and the 'keywords' change is published before the changes that use it.
import type { MailboxChange } from '../changes.js';
import { parseKeywords } from '../sqlite/flags.js';
import type { PgClient } from './database.js';

/** The mailbox's keywords in order of first use. */
export async function listKeywords(client: PgClient, mailboxId: number): Promise<string[]> {
  return (await client.query<{ name: string }>('SELECT name FROM mailbox_keywords WHERE mailbox_id = $1 ORDER BY id', [mailboxId])).rows.map((r) => r.name);
}

/**
 * Records the keywords of messages written to a mailbox (each list in the stored form: space-separated); when any
 * is new, the change that tells sessions the mailbox's new keyword list, to be published before the messages' own.
 */
export async function recordKeywords(client: PgClient, mailboxId: number, keywordLists: Iterable<string>): Promise<MailboxChange[]> {
  const byKey = new Map<string, string>(); // first spelling wins, in order of appearance (as the SQLite loop)
  for (const keywords of keywordLists) {
    for (const keyword of parseKeywords(keywords)) if (!byKey.has(keyword.toLowerCase())) byKey.set(keyword.toLowerCase(), keyword);
  }
  if (byKey.size === 0) return [];
  const added = await client.query(
    'INSERT INTO mailbox_keywords (mailbox_id, key, name) SELECT $1, k.key, k.name FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(key, name, n) ' +
      'ORDER BY k.n ON CONFLICT (mailbox_id, key) DO NOTHING',
    [mailboxId, [...byKey.keys()], [...byKey.values()]],
  );
  if ((added.rowCount ?? 0) === 0) return [];
  return [{ kind: 'keywords', mailboxId, keywords: await listKeywords(client, mailboxId) }];
}
