// \Recent ownership (RFC 3501 §2.3.2, §6.3.1, §6.3.2; issue 13 item 1), kept as Dovecot keeps it: per mailbox
// the first UID no session has claimed (mailboxes.first_recent_uid, migrations/0011-first-recent-uid.sql). A claim is one
// conditional UPDATE inside the caller's write transaction, so that of several sessions (in this process or
// another one on the same file) exactly one gets each message as \Recent.
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { SqliteDb } from './database.js';

export class RecentRepo {
  private readonly firstStmt: Statement<[number], number>;
  private readonly claimStmt: Statement<[number, number, number]>;
  private readonly countStmt: Statement<[number, number], number>;

  constructor(db: SqliteDb) {
    this.firstStmt = db.prepare<[number], number>('SELECT first_recent_uid FROM mailboxes WHERE id = ?').pluck();
    // Moves forward only: a claim through a UID some other session already claimed past changes nothing.
    this.claimStmt = db.prepare('UPDATE mailboxes SET first_recent_uid = ? WHERE id = ? AND first_recent_uid <= ?');
    this.countStmt = db
      .prepare<[number, number], number>('SELECT count(*) FROM messages WHERE mailbox_id = ? AND uid >= ?')
      .pluck();
  }

  /** The lowest UID not yet claimed by any session. */
  first(mailboxId: number): number {
    const first = this.firstStmt.get(mailboxId);
    if (first === undefined) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
    return first;
  }

  /**
   * Claims every UID up to `throughUid` for the caller (run inside a write transaction): returns the first
   * recent UID as it was, so that the caller's UIDs in [returned, throughUid] are \Recent to it alone.
   */
  claim(mailboxId: number, throughUid: number): number {
    const from = this.first(mailboxId);
    if (from <= throughUid) this.claimStmt.run(throughUid + 1, mailboxId, throughUid);
    return from;
  }

  /** STATUS RECENT and EXAMINE's RECENT: messages no session has claimed (RFC 3501 §6.3.10). */
  count(mailboxId: number): number {
    return this.countStmt.get(mailboxId, this.first(mailboxId)) ?? 0;
  }
}
