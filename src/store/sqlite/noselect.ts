// The noselect_mailboxes table (migrations/0006-noselect-mailboxes.sql; RFC 3501 §6.3.4, issue 13 item 17): names left \Noselect by
// DELETE of a mailbox with inferiors. Each has at least one real mailbox below it; the mailbox use cases
// (mailbox-ops.ts) keep that true by pruning a placeholder when its last inferior goes.
import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from './database.js';
import { canonicalMailboxName, parentNames } from './names.js';

export class NoselectRepo {
  private readonly findStmt: Statement<[number, string], { name: string }>;
  private readonly insertStmt: Statement<[number, string]>;
  private readonly deleteStmt: Statement<[number, string]>;
  private readonly listStmt: Statement<[number], { name: string }>;
  private readonly hasRealInferiorStmt: Statement<[number, string, string], { one: number }>;

  constructor(db: SqliteDb) {
    this.findStmt = db.prepare('SELECT name FROM noselect_mailboxes WHERE user_id = ? AND name = ?');
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO noselect_mailboxes (user_id, name) VALUES (?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM noselect_mailboxes WHERE user_id = ? AND name = ?');
    this.listStmt = db.prepare('SELECT name FROM noselect_mailboxes WHERE user_id = ? ORDER BY name');
    this.hasRealInferiorStmt = db.prepare(
      'SELECT 1 AS one FROM mailboxes WHERE user_id = ? AND substr(name, 1, length(?)) = ? LIMIT 1',
    );
  }

  has(userId: number, name: string): boolean {
    return this.findStmt.get(userId, canonicalMailboxName(name)) !== undefined;
  }

  add(userId: number, name: string): void {
    this.insertStmt.run(userId, name);
  }

  remove(userId: number, name: string): void {
    this.deleteStmt.run(userId, name);
  }

  list(userId: number): string[] {
    return this.listStmt.all(userId).map((r) => r.name);
  }

  /** The placeholders at or below `name`, in name order. */
  subtree(userId: number, name: string): string[] {
    const prefix = `${name}/`;
    return this.list(userId).filter((n) => n === name || n.startsWith(prefix));
  }

  /** Whether a (selectable) mailbox lies strictly below `name`. */
  hasInferiorMailbox(userId: number, name: string): boolean {
    const prefix = `${name}/`;
    return this.hasRealInferiorStmt.get(userId, prefix, prefix) !== undefined;
  }

  /** Removes the placeholders above `name` that no mailbox lies below any more, innermost first. */
  pruneAbove(userId: number, name: string): void {
    for (const parent of parentNames(name).reverse()) {
      if (this.has(userId, parent) && !this.hasInferiorMailbox(userId, parent)) this.remove(userId, parent);
    }
  }
}
