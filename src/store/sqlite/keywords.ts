// The keywords in use in each mailbox (RFC 9051 §7.3.5 FLAGS, §7.1 PERMANENTFLAGS; issue 13 item 2): every
// keyword ever set on one of its messages, first spelling kept, in order of first use; the list only grows,
// as Dovecot's does. Callers add to it in the transaction of the write that brings a keyword.
import type { Statement } from 'better-sqlite3';
import type { MailboxChange } from '../changes.js';
import type { SqliteDb } from './database.js';
import { parseKeywords } from './flags.js';

export class KeywordRepo {
  private readonly addStmt: Statement<[number, string, string]>;
  private readonly listStmt: Statement<[number], string>;

  constructor(db: SqliteDb) {
    this.addStmt = db.prepare('INSERT OR IGNORE INTO mailbox_keywords (mailbox_id, key, name) VALUES (?, ?, ?)');
    this.listStmt = db.prepare<[number], string>('SELECT name FROM mailbox_keywords WHERE mailbox_id = ? ORDER BY id').pluck();
  }

  list(mailboxId: number): string[] {
    return this.listStmt.all(mailboxId);
  }

  /** Records the keywords (stored form: space-separated); true when one of them is new to the mailbox. */
  add(mailboxId: number, keywords: string): boolean {
    let added = false;
    for (const keyword of parseKeywords(keywords)) {
      if (this.addStmt.run(mailboxId, keyword.toLowerCase(), keyword).changes > 0) added = true;
    }
    return added;
  }

  /**
   * Records the keywords of messages written to a mailbox; when any is new, the change that tells sessions
   * the mailbox's new keyword list, to be published before the messages' own changes.
   */
  record(mailboxId: number, keywordLists: Iterable<string>): MailboxChange[] {
    let added = false;
    for (const keywords of keywordLists) if (keywords !== '' && this.add(mailboxId, keywords)) added = true;
    return added ? [{ kind: 'keywords', mailboxId, keywords: this.list(mailboxId) }] : [];
  }
}
