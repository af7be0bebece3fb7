// Full-text search of a mailbox (SPEC R7.4; RFC 9051 §6.4.4 BODY / TEXT): FTS5 MATCH of the needle's trigrams on
// the index file, narrowed by an exact substring check, for bodies up to the index's high-water mark; bodies
// stored since then are checked directly, so a search is always complete. The index is filled by an indexer thread ('thread'
// mode, the server) or by the search itself ('on-search' mode, the CLI and tests); a failed thread falls back
// to 'on-search'. In 'thread' mode a search never waits for indexing (issue 14 item 4): the thread checks the
// unindexed tail between its steps (tail.ts), off the event loop, and the index answers for the rest.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import { isBusyError, openDatabase, writeTransaction, type SqliteDb } from '../database.js';
import { startThread } from '../threads.js';
import { textForm } from '../../../mime/fold.js';
import { StoredBodyText, TextIndexer } from './indexer.js';
import type { FromIndexer, IndexerSettings, TailRequest, ToIndexer } from './messages.js';
import { StoredPreviews } from './previews.js';
import { TAIL_CACHE_CHARS, TailScanner } from './tail.js';
import { prepareTextDb, readMarks, textIndexPath, type TextIndexMarks } from './text-db.js';
import { trigramQuery } from '../trigram-query.js';

export type TextIndexMode = 'thread' | 'on-search';

export interface TextIndexOptions {
  mode: TextIndexMode;
  busyTimeoutMs: number;
  /** How often the thread looks for bodies stored by other processes (default 2000 ms). */
  pollMs?: number;
  /** Called when the indexer fails; searches stay complete (they index or check the bodies themselves). */
  onError?: (err: Error) => void;
  /** Bodies an acknowledgement may leave neither indexed nor at hand (default MAX_UNEXTRACTED). */
  maxUnextracted?: number;
  /** Characters of extracted text the thread keeps for indexing (default TAIL_CACHE_CHARS). */
  cacheChars?: number;
  /** Longest an acknowledgement waits for the thread (default KEEP_UP_TIMEOUT_MS). */
  keepUpTimeoutMs?: number;
}

/** Where the text index stands: bodies stored, indexed, and indexed or with their texts at hand in the thread. */
export interface TextIndexBacklog {
  stored: number;
  indexed: number;
  atHand: number;
}


const EXACT = '(instr(t.body, ?) > 0 OR (? AND instr(t.header, ?) > 0))';
/**
 * The indexed messages of a mailbox holding a needle of a trigram or more: FTS trigrams, then the exact check.
 * CROSS JOIN keeps the FTS query outermost (evaluated once), not re-run per message of the mailbox;
 * `+m.mailbox_id` finds each hit's message by body id, not by walking the mailbox's rows for every hit (the
 * messages_modseq index otherwise wins: 60 ms instead of 1-2 ms on 10,000 messages, issue 14 item 4).
 */
export const MATCH_SQL = `SELECT m.uid FROM ti.body_text t CROSS JOIN messages m ON m.body_id = t.rowid WHERE t.body_text MATCH ? AND +m.mailbox_id = ? AND ${EXACT}`;
/** The same for a needle shorter than a trigram: instr() alone over the mailbox's indexed messages. */
const INSTR_SQL = `SELECT m.uid FROM messages m JOIN ti.body_text t ON t.rowid = m.body_id WHERE m.mailbox_id = ? AND ${EXACT}`;

/**
 * Bodies stored that the indexer thread may have neither indexed nor extracted the text of when a delivery or
 * APPEND is acknowledged (issue 14 item 4): past that, the acknowledgement waits for the thread. The texts it
 * extracted ahead wait in its cache (tail.ts, TAIL_CACHE_CHARS) until indexed; when the cache is full,
 * extracting stops and acknowledgements follow the index's pace. A search then scans at most this many bodies
 * that need extracting, plus texts at hand, so the first search after a burst of mail is fast; ingest slows
 * only when a burst outruns the indexer by more than the cache holds.
 */
export const MAX_UNEXTRACTED = 128;
/** Longest an acknowledgement waits for the indexer thread (a thread held up elsewhere never stalls ingest). */
export const KEEP_UP_TIMEOUT_MS = 10_000;
/**
 * Acknowledgements wait only while the thread is behind by less than this many times MAX_UNEXTRACTED beyond
 * it: a backlog that large was not left by the deliveries it paces (see keepUp).
 */
const GAP_FACTOR = 4;

/** Tail scans asked of the indexer thread so far in this process (observed by tests). */
export const tailScans = { requested: 0 };

interface PendingScan {
  resolve(reply: { indexedMax: number; uids: number[] } | null): void;
}

export class TextIndex {
  private readonly reader: SqliteDb;
  private readonly textPath: string;
  private worker: Worker | null = null;
  private onSearch: TextIndexer | null = null;
  private onSearchDb: SqliteDb | null = null;
  private prunedSeq = 0;
  private lastError = { message: '', at: 0 };
  private readonly pending = new Map<number, PendingScan>();
  /** The thread's last `ready` report: bodies up to it have their texts at hand there, or are indexed. */
  private ready = 0;
  private readonly keepUpWaiters = new Set<{ target: number; resolve(): void }>();
  private readonly bodySeqStmt: Statement<[], number>;
  private nextScan = 1;
  private closed = false;
  private readonly matchStmt: Statement<[string, number, string, number, string], number>;
  private readonly instrStmt: Statement<[number, string, number, string], number>;
  private readonly tail: TailScanner;
  private readonly stored: StoredPreviews;
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
      this.matchStmt = this.reader.prepare<[string, number, string, number, string], number>(MATCH_SQL).pluck();
      this.instrStmt = this.reader.prepare<[number, string, number, string], number>(INSTR_SQL).pluck();
      this.tail = new TailScanner(this.reader, new StoredBodyText(this.reader));
      this.stored = new StoredPreviews(this.reader);
      this.bodySeqStmt = this.reader.prepare<[], number>("SELECT seq FROM main.sqlite_sequence WHERE name = 'bodies'").pluck();
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
      cacheChars: this.opts.cacheChars ?? TAIL_CACHE_CHARS,
    };
    const worker = startThread('text-index/worker.js', settings);
    worker.on('message', (msg: FromIndexer) => {
      if (msg.type === 'progress') this.progress(msg.marks);
      else if (msg.type === 'ready') this.readyUpTo(msg.upTo);
      else if (msg.type === 'tail') this.settleScan(msg.id, { indexedMax: msg.indexedMax, uids: msg.uids });
      else if (msg.type === 'tail-failed') {
        this.report(new Error(`text index: checking unindexed mail: ${msg.message}`));
        this.settleScan(msg.id, null);
      } else this.report(new Error(`text index: ${msg.message}`));
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
    this.settleAll();
  }

  private readyUpTo(upTo: number): void {
    this.ready = Math.max(this.ready, upTo);
    for (const waiter of this.keepUpWaiters) if (waiter.target <= this.ready) waiter.resolve();
  }

  /**
   * Resolves when the indexer thread has the texts of all but MAX_UNEXTRACTED of the bodies stored so far at
   * hand (or indexed), at once without a thread or when the thread is far behind (GAP_FACTOR), and after
   * KEEP_UP_TIMEOUT_MS at the latest. Deliveries and APPENDs await it after their commit.
   */
  async keepUp(): Promise<void> {
    if (!this.worker || this.closed) return;
    const bound = this.opts.maxUnextracted ?? MAX_UNEXTRACTED;
    const target = (this.bodySeqStmt.get() ?? 0) - bound;
    // Farther behind than live ingest leaves it (an index being rebuilt, mail imported by another process, a
    // thread held up past the timeout): waiting would hold mail back for the whole backlog and buy nothing.
    if (target <= this.ready || target - this.ready > bound * GAP_FACTOR) return;
    await new Promise<void>((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          this.keepUpWaiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, this.opts.keepUpTimeoutMs ?? KEEP_UP_TIMEOUT_MS);
      this.keepUpWaiters.add(waiter);
    });
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
    if (marks.purgedSeq > this.prunedSeq) {
      try {
        writeTransaction(this.store, () => this.pruneStmt.run(marks.purgedSeq));
        this.prunedSeq = marks.purgedSeq;
      } catch {
        // Busy: the next progress report prunes these entries too.
      }
    }
  }

  private settleScan(id: number, reply: { indexedMax: number; uids: number[] } | null): void {
    const scan = this.pending.get(id);
    this.pending.delete(id);
    scan?.resolve(reply);
  }

  /** Every waiting search checks the tail itself, and no acknowledgement waits (the thread stopped, or the index closes). */
  private settleAll(): void {
    for (const id of [...this.pending.keys()]) this.settleScan(id, null);
    for (const waiter of [...this.keepUpWaiters]) waiter.resolve();
  }

  /** Where the index stands (`atHand` is the index's mark without a thread). */
  backlog(): TextIndexBacklog {
    const indexed = readMarks(this.reader, 'ti').indexedMax;
    return { stored: this.bodySeqStmt.get() ?? 0, indexed, atHand: this.worker ? Math.max(this.ready, indexed) : indexed };
  }

  /** Tells the thread that bodies were stored (after the commit). */
  poke(): void {
    this.worker?.postMessage({ type: 'poke' } satisfies ToIndexer);
  }

  /** 'on-search' mode: brings the index up to the bodies stored so far (unless another indexer is at work). */
  private async catchUpHere(): Promise<void> {
    if (!this.onSearch) return;
    try {
      this.progress(await this.onSearch.catchUp());
    } catch (err) {
      if (!isBusyError(err)) throw err; // another indexer is at work: the search checks the rest itself
    }
  }

  /**
   * Asks the indexer thread for the mailbox's hits above its mark (served between its steps, never after the
   * whole backlog); null when there is no thread or it stopped meanwhile.
   */
  private scanInThread(mailboxId: number, needle: string, header: boolean): Promise<{ indexedMax: number; uids: number[] } | null> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(null);
    const id = this.nextScan++;
    tailScans.requested++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      worker.postMessage({ type: 'tail', id, mailboxId, needle, header } satisfies TailRequest);
    });
  }

  /**
   * UIDs, ascending, of the mailbox's messages whose decoded body ('body'), or header and body ('text'),
   * contains `text` case-insensitively.
   */
  async search(mailboxId: number, text: string, where: 'body' | 'text'): Promise<number[]> {
    if (this.closed) throw new Error('the text index is closed');
    const needle = textForm(text); // the compared form the index stores (src/mime/fold.ts)
    const header = where === 'text';
    const scanned = await this.scanInThread(mailboxId, needle, header);
    if (this.closed) throw new Error('the text index is closed');
    if (!scanned) await this.catchUpHere();
    // The thread's reply follows the commit of its mark, so this read's mark is at least as high: the index
    // answers up to it, the thread's scan above the thread's mark (overlaps are merged).
    const { marks, hits } = this.reader.transaction(() => ({
      marks: readMarks(this.reader, 'ti'),
      hits: new Set(this.indexHits(mailboxId, needle, where)),
    }))();
    // Without the thread's answer, bodies stored above this read's mark are checked here, with the extraction the
    // indexer uses (bodies never change; one freed meanwhile belongs to a message that is gone).
    const tail = scanned && scanned.indexedMax <= marks.indexedMax ? scanned.uids : await this.tail.scan(mailboxId, marks.indexedMax, needle, header);
    for (const uid of tail) hits.add(uid);
    return [...hits].sort((a, b) => a - b);
  }

  /** UIDs of the mailbox's indexed messages that hold the lower-cased needle. */
  private indexHits(mailboxId: number, needle: string, where: 'body' | 'text'): number[] {
    const header = where === 'text' ? 1 : 0;
    const query = trigramQuery(needle);
    if (query === null) return this.instrStmt.all(mailboxId, needle, header, needle);
    return this.matchStmt.all(where === 'body' ? `body : (${query})` : query, mailboxId, needle, header, needle);
  }

  /**
   * RFC 8970 previews of the listed messages of a mailbox that exist: stored by the indexer; for a body not
   * indexed yet null when `lazy` (NIL), else computed from its first text part (previews.ts).
   */
  async previews(mailboxId: number, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    if (this.closed) throw new Error('the text index is closed');
    return this.stored.get(mailboxId, uids, lazy);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.settleAll();
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
