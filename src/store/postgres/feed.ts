// The change feed across front ends for the PostgreSQL store (issue 18 item 3, SPEC R7.5): a dedicated connection
// LISTENs on CHANGE_CHANNEL; an announcement from another front end about a mailbox somebody here listens to makes
// this process re-read what changed since it last looked (per mailbox: the last MODSEQ and UID seen) and publish
// it on the local feed, as sqlite/feed-watcher.ts does across SQLite connections. Payloads stay small (mailbox
// ids); the details come from the tables. A lost connection is re-made with a bounded back-off, and every watched
// mailbox is then re-read (an announcement may have been missed). A change may be told twice (this process's own
// writes are published by PgContext and may be re-read here) or late: listeners bear both (changes.ts).
import pg from 'pg';
import type { ChangeFeed, MailboxChange } from '../changes.js';
import { flagList } from '../sqlite/flags.js';
import type { MailboxId } from '../types.js';
import { CHANGE_CHANNEL, type ChangeAnnouncement, type TrackedMailbox } from './context.js';
import { transaction, type PgClient, type PgPool } from './database.js';

/** The state a listener was given (read in the snapshot it subscribed on); without keywordCount, the keyword list
 * is told with the next change. */
export type MarkSource = TrackedMailbox;

/** What the feed has told this mailbox's listeners so far. */
interface Mark {
  name: string;
  /** Every UID below it has been announced (or was in the listener's snapshot). */
  uidNext: number;
  /** Every change up to this MODSEQ has been announced. */
  modseq: number;
  keywordCount: number | null;
  deleted: boolean;
}

export interface PgFeedOptions {
  /** Connection string of the listening connection (the pool's). */
  url: string;
  /** This process's origin in announcements (its own are ignored). */
  origin: string;
  /** First and longest wait before connecting again, in ms (defaults 100 and 5,000). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onError?: (err: Error) => void;
  /** Makes the listening connection (tests pass one whose backend they can find). */
  connect?: (url: string) => pg.Client;
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
  require_tls: boolean;
}

export class PgFeedWatcher {
  private readonly marks = new Map<MailboxId, Mark>();
  private client: pg.Client | null = null;
  /** The listening connection's backend pid (tests end it to prove the reconnect). */
  backendPid: number | null = null;
  private closed = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Mailboxes to re-read; one catch-up runs at a time, the next takes what arrived meanwhile. */
  private pending = new Set<MailboxId>();
  /** This process's committed changes waiting for the next catch-up (afterCommit). */
  private local: MailboxChange[] = [];
  private running: Promise<void> | null = null;
  private readyResolve: (() => void) | null = null;
  /** Settles when the connection is listening (again). */
  ready: Promise<void>;

  constructor(
    private readonly pool: PgPool,
    private readonly feed: ChangeFeed,
    private readonly opts: PgFeedOptions,
  ) {
    this.backoffMs = opts.minBackoffMs ?? 100;
    this.ready = new Promise((resolve) => (this.readyResolve = resolve));
  }

  /**
   * Connects and listens. The first connection's failure is the caller's (the store does not open); a connection
   * lost later is made again in the background (the store works without the feed meanwhile).
   */
  async start(): Promise<void> {
    await this.connect(true);
  }

  /**
   * A listener subscribed on the state in `info`: the mailbox's mark, unless it already has one (older listeners
   * still need what lies between it and `info`).
   */
  track(info: MarkSource): void {
    if (this.closed || this.marks.has(info.id)) return;
    this.marks.set(info.id, {
      name: info.name,
      uidNext: info.uidNext,
      modseq: info.highestModseq,
      keywordCount: info.keywordCount ?? null,
      deleted: false,
    });
  }

  /** Whether the listening connection is up (the database answered it last). */
  get connected(): boolean {
    return this.client !== null;
  }

  /** This process's origin in announcements. */
  get origin(): string {
    return this.opts.origin;
  }

  /**
   * Publishes this process's committed `changes`. Where a session here watches the mailbox, what other front ends
   * committed to it before (their announcement may not have arrived yet) is re-read and published first, in the same
   * call: a session learns of UIDs in ascending order (mailbox-view.ts ignores a UID below one it has announced).
   */
  async afterCommit(changes: MailboxChange[]): Promise<void> {
    const ids = [...new Set(changes.map((c) => c.mailboxId))].filter((id) => this.marks.has(id) && this.feed.listenerCount(id) > 0);
    if (ids.length === 0 || this.closed) {
      this.feed.publish(changes);
      return;
    }
    this.local.push(...changes);
    await this.schedule(ids);
  }

  /**
   * Issue 18 item 4: publishes now what other front ends committed to `mailboxId` before this call, even if their
   * announcement has not arrived (a NOOP answers from the mailbox as it is). One read of the mailbox's row when
   * nothing is missing; otherwise the mailbox is re-read as an announcement would make it be. Never throws.
   */
  async catchUpNow(mailboxId: MailboxId): Promise<void> {
    const mark = this.marks.get(mailboxId);
    if (mark === undefined || mark.deleted || this.closed) return;
    let row: MailboxRow | undefined;
    try {
      row = (await this.pool.query<MailboxRow>('SELECT id, name, uid_next, highest_modseq FROM mailboxes WHERE id = $1', [mailboxId])).rows[0];
    } catch (err) {
      this.report(err); // the caller goes on; the next announcement (or the reconnect's re-read) catches up
      return;
    }
    if (row !== undefined && row.name === mark.name && row.highest_modseq <= mark.modseq) {
      // A catch-up under way may have advanced the mark and not yet published: what it read is told first.
      await this.running;
      return;
    }
    await this.schedule([mailboxId]);
  }

  /** Re-reads every watched mailbox now (after a reconnect; tests). */
  recheckAll(): Promise<void> {
    return this.schedule([...this.marks.keys()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    this.readyResolve?.();
    if (client !== null) await client.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
    this.marks.clear();
  }

  private async connect(first = false): Promise<void> {
    if (this.closed) return;
    const client = this.opts.connect?.(this.opts.url) ?? new pg.Client({ connectionString: this.opts.url, application_name: 'postern-feed' });
    let lost = false;
    const onLost = (err?: Error): void => {
      if (lost) return;
      lost = true;
      if (err !== undefined) this.report(err);
      if (this.client === client) this.client = null;
      this.backendPid = null;
      client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on('error', (err) => onLost(err));
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL && msg.payload !== undefined) this.announced(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      const pid = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (lost) return;
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.backendPid = pid.rows[0]!.pid;
      this.backoffMs = this.opts.minBackoffMs ?? 100;
    } catch (err) {
      if (first) {
        lost = true; // no reconnecting: the caller is told
        await client.end().catch(() => undefined);
        throw err;
      }
      onLost(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // Announcements sent while no connection listened are lost: re-read every watched mailbox.
    await this.recheckAll().catch((err: unknown) => this.report(err));
    this.readyResolve?.();
    this.readyResolve = null;
  }

  private reconnectLater(): void {
    if (this.closed || this.retryTimer !== null) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 5000);
    if (this.readyResolve === null) this.ready = new Promise((resolve) => (this.readyResolve = resolve));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  private announced(payload: string): void {
    let a: ChangeAnnouncement;
    try {
      a = JSON.parse(payload) as ChangeAnnouncement;
    } catch {
      return;
    }
    if (a.o === this.opts.origin || !Array.isArray(a.m)) return;
    const ids = a.m.filter((id) => this.marks.has(id));
    if (ids.length > 0) void this.schedule(ids).catch((err: unknown) => this.report(err));
  }

  /** Queues `ids` for re-reading; settles when a catch-up that includes them has published. */
  private schedule(ids: readonly MailboxId[]): Promise<void> {
    for (const id of ids) this.pending.add(id);
    if (this.running === null) {
      this.running = this.drain().finally(() => {
        this.running = null;
        if (this.pending.size > 0 && !this.closed) void this.schedule([]);
      });
    }
    return this.running;
  }

  /** Re-reads the pending mailboxes, one snapshot per round, until none is left. */
  private async drain(): Promise<void> {
    await Promise.resolve(); // `running` is set before the first round ends
    while (this.pending.size > 0 && !this.closed) {
      const batch = [...this.pending];
      this.pending.clear();
      // Taken before the snapshot starts: it then holds every change committed before these local ones.
      const local = this.local;
      this.local = [];
      for (const id of batch) if (this.feed.listenerCount(id) === 0) this.marks.delete(id);
      const watched = batch.filter((id) => this.marks.has(id));
      let remote: MailboxChange[] = [];
      try {
        if (watched.length > 0) remote = await transaction(this.pool, (client) => this.catchUp(client, watched), { snapshot: true });
      } catch (err) {
        // No mark advanced: the next announcement or reconnect re-reads them.
        this.report(err);
      }
      if (!this.closed) this.feed.publish([...withoutLocal(remote, local), ...local]);
    }
    if (this.local.length > 0) {
      const left = this.local;
      this.local = [];
      this.feed.publish(left);
    }
  }

  private report(err: unknown): void {
    if (this.closed) return;
    this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  }

  /** What the given marked mailboxes are missing, read from one snapshot; marks advance. */
  private async catchUp(client: PgClient, ids: readonly MailboxId[]): Promise<MailboxChange[]> {
    const out: MailboxChange[] = [];
    const found = await client.query<MailboxRow>(
      'SELECT id, name, uid_next, highest_modseq FROM mailboxes WHERE id = ANY($1::bigint[])',
      [ids],
    );
    const rows = new Map(found.rows.map((r) => [r.id, r]));
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
      const since = mark.modseq;
      // The keyword list first: the flag changes below may use a new keyword (issue 13 item 2).
      const keywords = await client.query<{ name: string }>('SELECT name FROM mailbox_keywords WHERE mailbox_id = $1 ORDER BY id', [mailboxId]);
      if (keywords.rows.length > (mark.keywordCount ?? 0) || (mark.keywordCount === null && keywords.rows.length > 0)) {
        out.push({ kind: 'keywords', mailboxId, keywords: keywords.rows.map((k) => k.name) });
      }
      mark.keywordCount = keywords.rows.length;
      // Messages delivered and expunged between two looks were never announced: their expunge is not either.
      const gone = await client.query<{ uid: number }>(
        'SELECT uid FROM expunged WHERE mailbox_id = $1 AND modseq > $2 AND uid < $3 ORDER BY uid',
        [mailboxId, since, mark.uidNext],
      );
      if (gone.rows.length > 0) out.push({ kind: 'expunge', mailboxId, uids: gone.rows.map((r) => r.uid), modseq: row.highest_modseq });
      const changed = await client.query<ChangedRow>(
        'SELECT uid, modseq, system_flags, keywords, require_tls FROM messages WHERE mailbox_id = $1 AND modseq > $2 ORDER BY uid',
        [mailboxId, since],
      );
      for (const m of changed.rows) {
        if (m.uid >= mark.uidNext) {
          out.push({ kind: 'exists', mailboxId, uid: m.uid, modseq: m.modseq, requireTls: m.require_tls });
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

/** The re-read changes less those this process made itself (published as it made them, right after). */
function withoutLocal(remote: readonly MailboxChange[], local: readonly MailboxChange[]): MailboxChange[] {
  if (local.length === 0) return [...remote];
  const mine = new Set<string>();
  for (const c of local) {
    if (c.kind === 'expunge') for (const uid of c.uids) mine.add(`x ${c.mailboxId} ${uid}`);
    else mine.add(changeKey(c));
  }
  const out: MailboxChange[] = [];
  for (const c of remote) {
    if (c.kind === 'expunge') {
      const uids = c.uids.filter((uid) => !mine.has(`x ${c.mailboxId} ${uid}`));
      if (uids.length > 0) out.push({ ...c, uids });
    } else if (!mine.has(changeKey(c))) out.push(c);
  }
  return out;
}

function changeKey(c: Exclude<MailboxChange, { kind: 'expunge' }>): string {
  switch (c.kind) {
    case 'exists':
      return `e ${c.mailboxId} ${c.uid}`;
    case 'flags':
      return `f ${c.mailboxId} ${c.uid} ${c.modseq}`;
    case 'keywords':
      return `k ${c.mailboxId} ${c.keywords.join(' ')}`;
    case 'renamed':
      return `r ${c.mailboxId} ${c.name}`;
    case 'deleted':
      return `d ${c.mailboxId}`;
  }
}
