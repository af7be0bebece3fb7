// The cross-process half of the change feed (SPEC R7.5, issue 13 item 5): changes committed by another
// connection — the CLI, a second Postern process on the same file, this process's ingest thread — reach the
// sessions of this process. It polls `PRAGMA data_version` on the store's main connection (it changes only when
// ANOTHER connection commits: one pragma read when nothing changed) and, for each mailbox somebody listens to,
// compares the mailbox row with the high-water mark this process has published, then publishes what is missing.
// Changes of this process's own writes pass through `publishLocal`, which first catches up (so the feed stays in
// commit order) and then drops what the catch-up has already published.
import type { ChangeFeed, MailboxChange } from '../changes.js';
import type { MailboxId } from '../types.js';
import type { SqliteDb } from './database.js';
import { flagList } from './flags.js';

/** What the feed has told this mailbox's listeners so far. */
interface Mark {
  name: string;
  /** Every UID below it has been announced (or was in the listener's snapshot). */
  uidNext: number;
  /** Every change up to this MODSEQ has been announced. */
  modseq: number;
  deleted: boolean;
}

export interface MarkSource {
  id: MailboxId;
  name: string;
  uidNext: number;
  highestModseq: number;
}

export interface FeedWatcherOptions {
  /** How often another connection's commits are looked for, in ms. */
  pollMs: number;
  onError?: (err: Error) => void;
}

interface MailboxRow {
  id: number;
  name: string;
  uid_next: number;
  highest_modseq: number;
}

interface ChangedRow {
  uid: number;
  modseq: number;
  system_flags: number;
  keywords: string;
  require_tls: number;
}

export class FeedWatcher {
  private readonly marks = new Map<MailboxId, Mark>();
  private dataVersion: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly versionStmt;
  private readonly mailboxesStmt;
  private readonly changedStmt;
  private readonly expungedStmt;

  constructor(
    private readonly db: SqliteDb,
    private readonly feed: ChangeFeed,
    private readonly opts: FeedWatcherOptions,
  ) {
    this.versionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.dataVersion = this.readDataVersion();
    this.mailboxesStmt = db.prepare<[string], MailboxRow>(
      'SELECT id, name, uid_next, highest_modseq FROM mailboxes WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.changedStmt = db.prepare<[number, number], ChangedRow>(
      'SELECT uid, modseq, system_flags, keywords, require_tls FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid',
    );
    this.expungedStmt = db.prepare<[number, number, number], { uid: number }>(
      'SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? AND uid < ? ORDER BY uid',
    );
  }

  /**
   * A listener subscribed on the state in `info` (read in the same synchronous step): the mailbox's mark, unless
   * it already has one (older listeners still need what lies between it and `info`). Starts polling.
   */
  track(info: MarkSource): void {
    if (this.closed) return;
    if (!this.marks.has(info.id)) {
      this.marks.set(info.id, { name: info.name, uidNext: info.uidNext, modseq: info.highestModseq, deleted: false });
    }
    if (this.timer === null) {
      this.timer = setInterval(() => this.poll(), this.opts.pollMs);
      this.timer.unref();
    }
  }

  /**
   * Changes this process's main connection (or its ingest thread) has just committed: published without repeats,
   * after what other connections committed before them to the same mailboxes (the rest waits for the next poll).
   */
  publishLocal(changes: readonly MailboxChange[]): void {
    this.catchUpSome(new Set(changes.map((c) => c.mailboxId)));
    const before = new Map<MailboxId, { modseq: number }>();
    const fresh: MailboxChange[] = [];
    for (const change of changes) {
      const mark = this.marks.get(change.mailboxId);
      if (mark === undefined) {
        fresh.push(change);
        continue;
      }
      // One transaction gives several changes the same MODSEQ: each is judged against the mark before the batch.
      let start = before.get(change.mailboxId);
      if (start === undefined) {
        start = { modseq: mark.modseq };
        before.set(change.mailboxId, start);
      }
      if (change.kind === 'deleted') {
        if (!mark.deleted) fresh.push(change);
        mark.deleted = true;
      } else if (change.kind === 'renamed') {
        if (change.name !== mark.name) fresh.push(change);
        mark.name = change.name;
      } else if (change.kind === 'keywords') {
        fresh.push(change); // no MODSEQ of its own; a repeated list changes nothing in a view (issue 13 item 2)
      } else if (change.modseq > start.modseq) {
        fresh.push(change);
        mark.modseq = Math.max(mark.modseq, change.modseq);
        if (change.kind === 'exists') mark.uidNext = Math.max(mark.uidNext, change.uid + 1);
      }
    }
    this.feed.publish(fresh);
  }

  /** One poll: when another connection has committed, publishes what the listened mailboxes are missing. */
  poll(): void {
    if (this.closed || this.marks.size === 0) return;
    try {
      const version = this.readDataVersion();
      if (version === this.dataVersion) return;
      this.dataVersion = version;
      for (const [mailboxId] of this.marks) if (this.feed.listenerCount(mailboxId) === 0) this.marks.delete(mailboxId);
      this.feed.publish(this.db.transaction(() => this.catchUp([...this.marks.keys()])).deferred());
    } catch (err) {
      this.report(err);
    }
  }

  /**
   * Issue 18 item 4: publishes now what other connections committed to `mailboxId` (a NOOP answers from the
   * mailbox as it is, not as the last poll left it); one pragma read when nobody committed.
   */
  catchUpNow(mailboxId: MailboxId): void {
    this.catchUpSome(new Set([mailboxId]));
  }

  /** Before publishing local changes to `ids`: catches those mailboxes up when another connection committed. */
  private catchUpSome(ids: ReadonlySet<MailboxId>): void {
    if (this.closed || this.marks.size === 0) return;
    try {
      if (this.readDataVersion() === this.dataVersion) return; // the poll's baseline stays: it catches up the rest
      const marked = [...ids].filter((id) => this.marks.has(id));
      if (marked.length > 0) this.feed.publish(this.db.transaction(() => this.catchUp(marked)).deferred());
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.marks.clear();
  }

  private readDataVersion(): number {
    return this.versionStmt.get()!;
  }

  /** What the given marked mailboxes are missing (call in one read transaction: one snapshot); marks advance. */
  private catchUp(ids: readonly MailboxId[]): MailboxChange[] {
    const out: MailboxChange[] = [];
    const rows = new Map(this.mailboxesStmt.all(JSON.stringify(ids)).map((r) => [r.id, r]));
    for (const mailboxId of ids) {
      const mark = this.marks.get(mailboxId);
      if (mark === undefined || mark.deleted) continue;
      const row = rows.get(mailboxId);
      if (row === undefined) {
        mark.deleted = true;
        out.push({ kind: 'deleted', mailboxId });
        continue;
      }
      if (row.name !== mark.name) {
        mark.name = row.name;
        out.push({ kind: 'renamed', mailboxId, name: row.name });
      }
      if (row.highest_modseq <= mark.modseq) continue;
      // Messages delivered and expunged between two polls were never announced: their expunge is not either.
      const gone = this.expungedStmt.all(mailboxId, mark.modseq, mark.uidNext).map((r) => r.uid);
      if (gone.length > 0) out.push({ kind: 'expunge', mailboxId, uids: gone, modseq: row.highest_modseq });
      for (const m of this.changedStmt.all(mailboxId, mark.modseq)) {
        if (m.uid >= mark.uidNext) {
          out.push({ kind: 'exists', mailboxId, uid: m.uid, modseq: m.modseq, requireTls: m.require_tls !== 0 });
        } else {
          out.push({ kind: 'flags', mailboxId, uid: m.uid, flags: flagList(m.system_flags, m.keywords), modseq: m.modseq });
        }
      }
      mark.modseq = row.highest_modseq;
      mark.uidNext = Math.max(mark.uidNext, row.uid_next);
    }
    return out;
  }
}
