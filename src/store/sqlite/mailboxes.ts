// The mailboxes and subscriptions tables (RFC 9051 §6.3, RFC 6154): lookups, row insertion,
// UIDVALIDITY allocation (§2.3.1.1), UID and MODSEQ allocation (RFC 7162 §3). Statements prepared once.
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { SpecialUse } from '../types.js';
import type { SqliteDb } from './database.js';
import { canonicalMailboxName, isInferior } from './names.js';
import { MAILBOX_COLUMNS, type MailboxRow } from './rows.js';

/**
 * Issue 16 item 1: the mod-sequence a mailbox that adopts an imported UIDVALIDITY starts above. Dovecot's are
 * counters of changes; 2^32 (four billion changes in one mailbox) is above any a client can have cached.
 */
export const IMPORTED_MODSEQ_FLOOR = 2 ** 32;

export class MailboxRepo {
  private readonly byNameStmt: Statement<[number, string], MailboxRow>;
  private readonly byIdStmt: Statement<[number, number], MailboxRow>;
  private readonly byIdOnlyStmt: Statement<[number], MailboxRow>;
  private readonly listStmt: Statement<[number], MailboxRow>;
  private readonly insertStmt: Statement<[number, string, string | null, number], { id: number }>;
  private readonly lastValidityStmt: Statement<[], { value: number }>;
  private readonly setValidityStmt: Statement<[number]>;
  private readonly bumpModseqStmt: Statement<[number], { highest_modseq: number }>;
  private readonly takeUidsStmt: Statement<[number, number], { uid_next: number }>;
  private readonly takeUidStmt: Statement<[number, number, number], { uid_next: number }>;
  private readonly importedStmt: Statement<[number, number, number]>;
  private readonly raiseUidNextStmt: Statement<[number, number]>;
  private readonly raiseValidityStmt: Statement<[number]>;
  private readonly forgetExpungedStmt: Statement<[number]>;
  private readonly importedModseqStmt: Statement<[number, number, number]>;
  private readonly inferiorsStmt: Statement<[number, string, string], { id: number; name: string }>;
  private readonly renameStmt: Statement<[string, number]>;
  private readonly deleteStmt: Statement<[number]>;
  private readonly subscribeStmt: Statement<[number, string]>;
  private readonly unsubscribeStmt: Statement<[number, string]>;
  private readonly subscriptionsStmt: Statement<[number], { name: string }>;
  private readonly renameSubscriptionStmt: Statement<[string, number, string]>;

  constructor(private readonly db: SqliteDb) {
    const select = `SELECT ${MAILBOX_COLUMNS} FROM mailboxes mb`;
    this.byNameStmt = db.prepare(`${select} WHERE mb.user_id = ? AND mb.name = ?`);
    this.byIdStmt = db.prepare(`${select} WHERE mb.user_id = ? AND mb.id = ?`);
    this.byIdOnlyStmt = db.prepare(`${select} WHERE mb.id = ?`);
    this.listStmt = db.prepare(`${select} WHERE mb.user_id = ? ORDER BY mb.name`);
    this.insertStmt = db.prepare(
      // RFC 8474 §4 MAILBOXID: random, so that it tells nothing of other users' mailboxes (migrations/0016).
      "INSERT INTO mailboxes (user_id, name, special_use, uid_validity, object_id) VALUES (?, ?, ?, ?, 'F' || lower(hex(randomblob(12)))) RETURNING id",
    );
    this.lastValidityStmt = db.prepare("SELECT value FROM store_state WHERE key = 'last_uid_validity'");
    this.setValidityStmt = db.prepare("UPDATE store_state SET value = ? WHERE key = 'last_uid_validity'");
    this.bumpModseqStmt = db.prepare(
      'UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq',
    );
    this.takeUidsStmt = db.prepare(
      'UPDATE mailboxes SET uid_next = uid_next + ? WHERE id = ? RETURNING uid_next',
    );
    this.takeUidStmt = db.prepare('UPDATE mailboxes SET uid_next = ? + 1 WHERE id = ? AND uid_next <= ? RETURNING uid_next');
    this.importedStmt = db.prepare('UPDATE mailboxes SET uid_validity = ?, uid_next = 1 WHERE id = ? AND messages = 0 AND uid_validity <> ?');
    this.forgetExpungedStmt = db.prepare('DELETE FROM expunged WHERE mailbox_id = ?');
    this.importedModseqStmt = db.prepare(
      'UPDATE mailboxes SET highest_modseq = max(highest_modseq, ?), expunge_horizon = max(expunge_horizon, ?) WHERE id = ?',
    );
    this.raiseUidNextStmt = db.prepare('UPDATE mailboxes SET uid_next = max(uid_next, ?) WHERE id = ?');
    this.raiseValidityStmt = db.prepare("UPDATE store_state SET value = max(value, ?) WHERE key = 'last_uid_validity'");
    this.inferiorsStmt = db.prepare(
      'SELECT id, name FROM mailboxes WHERE user_id = ? AND substr(name, 1, length(?)) = ? ORDER BY name',
    );
    this.renameStmt = db.prepare('UPDATE mailboxes SET name = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM mailboxes WHERE id = ?');
    this.subscribeStmt = db.prepare('INSERT OR IGNORE INTO subscriptions (user_id, name) VALUES (?, ?)');
    this.unsubscribeStmt = db.prepare('DELETE FROM subscriptions WHERE user_id = ? AND name = ?');
    this.subscriptionsStmt = db.prepare('SELECT name FROM subscriptions WHERE user_id = ? ORDER BY name');
    this.renameSubscriptionStmt = db.prepare(
      'UPDATE OR REPLACE subscriptions SET name = ? WHERE user_id = ? AND name = ?',
    );
  }

  find(userId: number, name: string): MailboxRow | undefined {
    return this.byNameStmt.get(userId, canonicalMailboxName(name));
  }

  get(userId: number, name: string): MailboxRow {
    const row = this.find(userId, name);
    if (!row) throw new StoreError('not-found', `no mailbox ${JSON.stringify(name)}`);
    return row;
  }

  getById(userId: number, id: number): MailboxRow {
    const row = this.byIdStmt.get(userId, id);
    if (!row) throw new StoreError('not-found', `no mailbox with id ${id}`);
    return row;
  }

  private byIdOnly(id: number): MailboxRow {
    const row = this.byIdOnlyStmt.get(id);
    if (!row) throw new StoreError('not-found', `no mailbox with id ${id}`);
    return row;
  }

  list(userId: number): MailboxRow[] {
    return this.listStmt.all(userId);
  }

  /** Every mailbox strictly below `name`, in name order. */
  inferiors(userId: number, name: string): Array<{ id: number; name: string }> {
    const prefix = `${name}/`;
    return this.inferiorsStmt.all(userId, prefix, prefix);
  }

  /** A UIDVALIDITY larger than every one handed out before (time-based, so unique across re-creation). */
  private nextUidValidity(): number {
    const last = this.lastValidityStmt.get()?.value ?? 0;
    const next = Math.max(Math.floor(Date.now() / 1000), last + 1);
    this.setValidityStmt.run(next);
    return next;
  }

  /** Inserts one mailbox row (the caller has validated the name and checked it is free). */
  insert(userId: number, name: string, specialUse: SpecialUse | null): MailboxRow {
    const inserted = this.insertStmt.get(userId, name, specialUse, this.nextUidValidity());
    if (!inserted) throw new Error('mailbox insert returned no row');
    return this.getById(userId, inserted.id);
  }

  /**
   * Renames the mailbox named `from` (canonical; absent when it is a \Noselect placeholder) and its inferiors,
   * with their subscriptions; returns [id, new name] pairs.
   */
  renameTree(userId: number, from: string, to: string): Array<[number, string]> {
    const source = this.find(userId, from);
    const renamed: Array<[number, string]> = source ? [[source.id, to]] : [];
    for (const child of this.inferiors(userId, from)) {
      renamed.push([child.id, to + child.name.slice(from.length)]);
    }
    // Two passes through temporary names, so that no intermediate state violates UNIQUE (user_id, name).
    for (const [id] of renamed) this.renameStmt.run(`\u0000renaming\u0000${id}`, id);
    for (const [id, name] of renamed) this.renameStmt.run(name, id);
    for (const sub of this.subscriptions(userId)) {
      if (sub === from || isInferior(sub, from)) {
        this.renameSubscriptionStmt.run(to + sub.slice(from.length), userId, sub);
      }
    }
    return renamed;
  }

  /** Deletes the mailbox row (its messages must be gone already; the expunge log cascades). */
  deleteRow(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Bumps and returns the mailbox's HIGHESTMODSEQ: the modseq of one change (RFC 7162 §3.1). */
  nextModseq(mailboxId: number): number {
    const row = this.bumpModseqStmt.get(mailboxId);
    if (!row) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
    return row.highest_modseq;
  }

  /** Reserves `count` consecutive UIDs and returns the first; UIDNEXT only grows (RFC 9051 §2.3.1.1). */
  takeUids(mailboxId: number, count: number): number {
    const row = this.takeUidsStmt.get(count, mailboxId);
    if (!row) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
    return row.uid_next - count;
  }

  /**
   * Issue 16 item 1 (`postern import`): takes the given UID, which must be at least UIDNEXT (RFC 9051 §2.3.1.1:
   * UIDs only grow); UIDNEXT moves above it. 'exists' when it is below.
   */
  takeUid(mailboxId: number, uid: number): number {
    if (!Number.isSafeInteger(uid) || uid < 1 || uid > 0xffffffff) throw new StoreError('invalid-name', `UID ${uid} out of range`);
    if (!this.takeUidStmt.get(uid, mailboxId, uid)) {
      throw new StoreError('exists', `UID ${uid} is below the mailbox's UIDNEXT (it exists or existed)`);
    }
    return uid;
  }

  /**
   * Issue 16 item 1: gives an empty mailbox the UIDVALIDITY it had on the server it is imported from (UIDNEXT
   * back to 1: a new UIDVALIDITY lets UIDs start again, RFC 9051 §2.3.1.1); no UIDVALIDITY handed out later is
   * at or below it. False when the mailbox holds messages and has another UIDVALIDITY.
   */
  adoptUidValidity(mailboxId: number, uidValidity: number, modseqFloor = 0): boolean {
    const row = this.byIdOnly(mailboxId);
    if (row.uid_validity === uidValidity) return true;
    if (row.messages !== 0) return false;
    this.importedStmt.run(uidValidity, mailboxId, uidValidity);
    this.forgetExpungedStmt.run(mailboxId); // UIDs of the old UIDVALIDITY, which QRESYNC must not report
    // Clients cached the source's mod-sequences, which are not carried over: every change from now on must rank
    // above any of them (RFC 7162 §3.1.1: a CHANGEDSINCE of a cached value sees it), and QRESYNC from any of them
    // gets the complete answer (§3.2.5.2), as past the expunge log's horizon.
    // migrate-store (issue 18 item 5): above the source's HIGHESTMODSEQ too, when that is higher (an imported source).
    const floor = Math.max(IMPORTED_MODSEQ_FLOOR, modseqFloor);
    this.importedModseqStmt.run(floor, floor, mailboxId);
    this.raiseValidityStmt.run(uidValidity);
    return true;
  }

  /** Issue 16 item 1: UIDNEXT at least `uidNext` (the source's, above its expunged UIDs). */
  raiseUidNext(mailboxId: number, uidNext: number): void {
    this.raiseUidNextStmt.run(uidNext, mailboxId);
  }

  subscribe(userId: number, name: string): void {
    this.subscribeStmt.run(userId, canonicalMailboxName(name));
  }

  unsubscribe(userId: number, name: string): void {
    this.unsubscribeStmt.run(userId, canonicalMailboxName(name));
  }

  subscriptions(userId: number): string[] {
    return this.subscriptionsStmt.all(userId).map((r) => r.name);
  }
}
