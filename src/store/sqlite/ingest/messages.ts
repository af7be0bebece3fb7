// The messages between the store and its ingest writer thread (SPEC R1.5, R7.5): jobs in, outcomes out, in
// order; and a pause, during which the store's own thread may commit while the writer waits, so that changes
// are always published in the order they were committed.
import type { IngestJob, WireOutcome } from './jobs.js';

export interface WriterSettings {
  storePath: string;
  busyTimeoutMs: number;
  /** Jobs per transaction at most. */
  maxJobs: number;
  /** Message octets per transaction at most (at least one job is always taken). */
  maxBytes: number;
  /** Spooled (large) bodies per transaction at most: they are read into memory together (issue 12 item 13). */
  maxLargeBodies: number;
}

export type ToWriter = { type: 'job'; id: number; job: IngestJob } | { type: 'pause' } | { type: 'resume' } | { type: 'close' };

export type FromWriter = { type: 'done'; id: number; outcome: WireOutcome } | { type: 'paused' };
