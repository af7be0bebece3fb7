// Where deliveries and APPENDs are written (SPEC R1.5, R7.5, R12): on the ingest writer thread ('thread' mode,
// the server: group commit, the event loop never waits for fsync) or right here ('inline', the CLI and tests).
// Outcomes are handed back, and their changes published, in commit order; a write of the store's own thread
// first pauses the writer (when it has jobs in flight), so that its changes are published in order too. A failed
// thread fails its jobs as temporary (the client retries) and the writer continues inline.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { MailboxChange } from '../../changes.js';
import { StoreError } from '../../errors.js';
import { FieldTrigramIndexer } from '../field-trigrams.js';
import type { Repos } from '../repos.js';
import { startThread } from '../threads.js';
import { decodeOutcome, runBatch, type IngestJob, type JobOutcome } from './jobs.js';
import type { FromWriter, ToWriter, WriterSettings } from './messages.js';

export type IngestMode = 'thread' | 'inline';

export interface IngestWriterOptions {
  mode: IngestMode;
  busyTimeoutMs: number;
  /** Publishes a committed job's changes; called before the job's promise settles. */
  publish: (changes: MailboxChange[]) => void;
  onError?: (err: Error) => void;
  maxJobs?: number;
  maxBytes?: number;
  /** Spooled bodies the writer reads into memory at once (issue 12 item 13); default 2. */
  maxLargeBodies?: number;
}


interface Pending {
  resolve: (o: JobOutcome) => void;
}

export class IngestWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** While the writer is paused for the store's own writes: resolves once it has answered. */
  private pausing: Promise<void> | null = null;
  private resolvePause: (() => void) | null = null;
  private holders = 0;
  private closed = false;
  private readonly trigrams: FieldTrigramIndexer;

  constructor(
    private readonly repos: Repos,
    private readonly opts: IngestWriterOptions,
  ) {
    this.trigrams = new FieldTrigramIndexer(repos.db);
    if (opts.mode === 'thread') this.start();
  }

  private start(): void {
    const settings: WriterSettings = {
      storePath: this.repos.db.name,
      busyTimeoutMs: this.opts.busyTimeoutMs,
      maxJobs: this.opts.maxJobs ?? 64,
      maxBytes: this.opts.maxBytes ?? 32 * 1024 * 1024,
      maxLargeBodies: this.opts.maxLargeBodies ?? 2,
    };
    const worker = startThread('ingest/worker.js', settings);
    worker.on('message', (msg: FromWriter) => this.received(msg));
    worker.on('error', (err) => this.failed(err));
    worker.on('exit', (code) => this.failed(new Error(`the ingest writer thread stopped (exit code ${code})`)));
    this.worker = worker;
  }

  private received(msg: FromWriter): void {
    if (msg.type === 'paused') {
      this.resolvePause?.();
      return;
    }
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    const outcome = decodeOutcome(msg.outcome);
    if (outcome.ok) this.opts.publish(outcome.changes);
    waiter.resolve(outcome);
  }

  private failed(err: Error): void {
    if (this.worker === null) return;
    this.worker = null;
    if (!this.closed) this.opts.onError?.(err);
    const lost = new StoreError('temporary', 'the mail store writer stopped; try again');
    for (const p of this.pending.values()) p.resolve({ ok: false, error: lost });
    this.pending.clear();
    this.resolvePause?.();
  }

  /** Stores one delivery or APPEND; the outcome's changes are already published when it resolves. */
  run(job: IngestJob): Promise<JobOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, error: new StoreError('temporary', 'the mail store is closed') });
    const worker = this.worker;
    if (!worker) {
      const outcome = runBatch(this.repos, [job])[0]!;
      this.trigrams.keepUp(); // as the thread does after its batches
      if (outcome.ok) this.opts.publish(outcome.changes);
      return Promise.resolve(outcome);
    }
    const id = this.nextId++;
    return new Promise<JobOutcome>((resolve) => {
      this.pending.set(id, { resolve });
      worker.postMessage({ type: 'job', id, job } satisfies ToWriter);
    });
  }

  /**
   * Runs `commit` (a synchronous write of the store's own thread) at a moment when no job of the writer
   * is committed but unpublished: at once when none is in flight, else while the writer is paused.
   */
  async exclusive<T>(commit: () => T): Promise<T> {
    while (this.worker && (this.pending.size > 0 || this.pausing)) {
      const worker = this.worker;
      if (!this.pausing) {
        this.pausing = new Promise<void>((resolve) => {
          this.resolvePause = resolve;
          worker.postMessage({ type: 'pause' } satisfies ToWriter);
        });
      }
      this.holders++;
      try {
        await this.pausing;
        return commit();
      } finally {
        this.holders--;
        if (this.holders === 0) this.release();
      }
    }
    return commit();
  }

  private release(): void {
    this.pausing = null;
    this.resolvePause = null;
    this.worker?.postMessage({ type: 'resume' } satisfies ToWriter);
  }

  /** Finishes the jobs in flight, then stops the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ type: 'close' } satisfies ToWriter);
    const timer = setTimeout(() => void worker.terminate(), 30_000);
    await exited.catch(() => undefined);
    clearTimeout(timer);
    this.failed(new Error('closed')); // anything still unanswered
  }
}
