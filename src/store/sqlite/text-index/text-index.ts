// Full-text search of a mailbox (SPEC R7.4; RFC 9051 §6.4.4 BODY / TEXT): FTS5 trigram MATCH on the index file,
// narrowed by an exact substring check, for bodies up to the index's high-water mark; bodies stored since then
// are checked directly, so a search is always complete. The index is filled by an indexer thread ('thread'
// mode, the server) or by the search itself ('on-search' mode, the CLI and tests); a failed thread falls back
// to 'on-search'.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import { isBusyError, openDatabase, writeTransaction, type SqliteDb } from '../database.js';
import { startThread } from '../threads.js';
import { textForm } from '../../../mime/fold.js';
import type { MessageText } from '../../../mime/text.js';
import { StoredBodyText, TextIndexer } from './indexer.js';
import type { FromIndexer, IndexerSettings, ToIndexer } from './messages.js';
import { prepareTextDb, readMarks, textIndexPath, type TextIndexMarks } from './text-db.js';

export type TextIndexMode = 'thread' | 'on-search';

export interface TextIndexOptions {
  mode: TextIndexMode;
  busyTimeoutMs: number;
  /** How often the thread looks for bodies stored by other processes (default 2000 ms). */
  pollMs?: number;
  /** Longest a search waits for the thread to catch up before checking the remaining bodies itself. */
  settleMs?: number;
  /** Called when the indexer fails; searches stay complete (they index or check the bodies themselves). */
  onError?: (err: Error) => void;
}

/** Characters (code points) a trigram needs; shorter queries are checked with instr() alone. */
const TRIGRAM = 3;
/** Unindexed bodies a search checks itself without waiting for the thread. */
const TAIL_WITHOUT_WAITING = 64;
const DEFAULT_SETTLE_MS = 15_000;


export class TextIndex {
  private readonly reader: SqliteDb;
  private readonly textPath: string;
  private worker: Worker | null = null;
  private onSearch: TextIndexer | null = null;
  private onSearchDb: SqliteDb | null = null;
  private marks: TextIndexMarks = { indexedMax: 0, purgedSeq: 0 };
  private prunedSeq = 0;
  private lastError = { message: '', at: 0 };
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private readonly bodySeqStmt: Statement<[], number>;
  private readonly matchStmt: Statement<[string, number, string, number, string], number>;
  private readonly instrStmt: Statement<[number, string, number, string], number>;
  private readonly tailStmt: Statement<[number, number], { uid: number; body_id: number }>;
  private readonly texts: StoredBodyText;
  private readonly pruneStmt: Statement<[number]>;

  constructor(
    private readonly store: SqliteDb,
    private readonly opts: TextIndexOptions,
  ) {
    this.textPath = textIndexPath(store.name);
    prepareTextDb(store, this.textPath);
    this.reader = openDatabase(store.name, { readonly: true, busyTimeoutMs: opts.busyTimeoutMs });
    try {
      this.reader.prepare('ATTACH DATABASE ? AS ti').run(this.textPath);
      this.bodySeqStmt = this.reader.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'bodies'").pluck();
      const exact = '(instr(t.body, ?) > 0 OR (? AND instr(t.header, ?) > 0))';
      this.matchStmt = this.reader
        .prepare<[string, number, string, number, string], number>(
          // CROSS JOIN keeps the FTS query outermost (evaluated once), not re-run per message of the mailbox.
          `SELECT m.uid FROM ti.body_text t CROSS JOIN messages m ON m.body_id = t.rowid WHERE t.body_text MATCH ? AND m.mailbox_id = ? AND ${exact}`,
        )
        .pluck();
      this.instrStmt = this.reader
        .prepare<[number, string, number, string], number>(
          `SELECT m.uid FROM messages m JOIN ti.body_text t ON t.rowid = m.body_id WHERE m.mailbox_id = ? AND ${exact}`,
        )
        .pluck();
      this.tailStmt = this.reader.prepare('SELECT uid, body_id FROM messages WHERE mailbox_id = ? AND body_id > ?');
      this.texts = new StoredBodyText(this.reader);
      this.marks = readMarks(this.reader, 'ti');
    } catch (err) {
      this.reader.close();
      throw err;
    }
    this.pruneStmt = store.prepare('DELETE FROM text_index_purge WHERE seq <= ?');
    if (opts.mode === 'thread') this.startIndexer();
    else this.startOnSearch();
  }

  private startIndexer(): void {
    const settings: IndexerSettings = {
      storePath: this.store.name,
      textPath: this.textPath,
      busyTimeoutMs: this.opts.busyTimeoutMs,
      pollMs: this.opts.pollMs ?? 2000,
    };
    const worker = startThread('text-index/worker.js', settings);
    worker.on('message', (msg: FromIndexer) => {
      if (msg.type === 'progress') this.progress(msg.marks);
      else this.report(new Error(`text index: ${msg.message}`));
    });
    worker.on('error', (err) => this.threadFailed(err));
    worker.on('exit', (code) => this.threadFailed(new Error(`the text indexer thread stopped (exit code ${code})`)));
    this.worker = worker;
  }

  private threadFailed(err: Error): void {
    if (this.closed || this.worker === null) return;
    this.worker = null;
    this.report(err);
    this.startOnSearch();
    this.wake();
  }

  /** Tells the owner about a failure; the same failure again at most once a minute. */
  private report(err: Error): void {
    const now = Date.now();
    if (err.message === this.lastError.message && now - this.lastError.at < 60_000) return;
    this.lastError = { message: err.message, at: now };
    this.opts.onError?.(err);
  }

  private startOnSearch(): void {
    const db = openDatabase(this.textPath, { busyTimeoutMs: this.opts.busyTimeoutMs });
    db.pragma('synchronous = NORMAL'); // derived data: see worker.ts
    this.onSearchDb = db;
    this.onSearch = new TextIndexer(this.store, db);
  }

  private progress(marks: TextIndexMarks): void {
    this.marks = marks;
    if (marks.purgedSeq > this.prunedSeq) {
      try {
        writeTransaction(this.store, () => this.pruneStmt.run(marks.purgedSeq));
        this.prunedSeq = marks.purgedSeq;
      } catch {
        // Busy: the next progress report prunes these entries too.
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Tells the thread that bodies were stored (after the commit). */
  poke(): void {
    this.worker?.postMessage({ type: 'poke' } satisfies ToIndexer);
  }

  /** Brings the index up to the bodies stored so far, or close to it: at most settleMs of waiting. */
  private async settle(): Promise<void> {
    if (this.onSearch) {
      try {
        this.progress(await this.onSearch.catchUp());
      } catch (err) {
        if (!isBusyError(err)) throw err; // another indexer is at work: the search checks the rest itself
      }
      return;
    }
    const target = this.bodySeqStmt.get() ?? 0;
    if (target - this.marks.indexedMax <= TAIL_WITHOUT_WAITING) return;
    this.poke();
    const deadline = Date.now() + (this.opts.settleMs ?? DEFAULT_SETTLE_MS);
    while (this.worker && !this.closed && target - this.marks.indexedMax > TAIL_WITHOUT_WAITING && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
        this.waiters.add(done);
      });
    }
  }

  /**
   * UIDs, ascending, of the mailbox's messages whose decoded body ('body'), or header and body ('text'),
   * contains `text` case-insensitively.
   */
  async search(mailboxId: number, text: string, where: 'body' | 'text'): Promise<number[]> {
    if (this.closed) throw new Error('the text index is closed');
    await this.settle();
    const needle = textForm(text);
    const header = where === 'text' ? 1 : 0;
    const { hits, tail } = this.reader.transaction(() => {
      const marks = readMarks(this.reader, 'ti');
      let found: number[];
      if ([...needle].length < TRIGRAM) {
        found = this.instrStmt.all(mailboxId, needle, header, needle);
      } else {
        const phrase = `"${needle.replace(/"/g, '""')}"`;
        found = this.matchStmt.all(where === 'body' ? `body : ${phrase}` : phrase, mailboxId, needle, header, needle);
      }
      return { hits: found, tail: this.tailStmt.all(mailboxId, marks.indexedMax) };
    })();
    // Bodies stored since the index's mark are checked directly, with the extraction the indexer uses (bodies
    // never change; one freed meanwhile belongs to a message that is gone).
    const texts = new Map<number, MessageText | null>();
    for (const row of tail) {
      if (!texts.has(row.body_id)) texts.set(row.body_id, (await this.texts.get(row.body_id)) ?? null);
      const t = texts.get(row.body_id);
      if (t && (t.body.includes(needle) || (header === 1 && t.header.includes(needle)))) hits.push(row.uid);
    }
    return hits.sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const exited = once(worker, 'exit');
      worker.postMessage({ type: 'close' } satisfies ToIndexer);
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited.catch(() => undefined);
      clearTimeout(timer);
    }
    this.onSearchDb?.close();
    this.reader.close();
  }
}
