// The messages between the store and its indexer thread (SPEC R7.4): the store pokes the indexer after a
// commit that stored bodies; the indexer reports its marks after every step, and any error it cannot get past.
import type { TextIndexMarks } from './text-db.js';

export interface IndexerSettings {
  storePath: string;
  textPath: string;
  busyTimeoutMs: number;
  /** How often the indexer looks for bodies stored by other processes, in milliseconds. */
  pollMs: number;
}

export type ToIndexer = { type: 'poke' } | { type: 'close' };

export type FromIndexer =
  | { type: 'progress'; marks: TextIndexMarks; indexed: number; purged: number }
  | { type: 'error'; message: string };
