// The messages between the store and its indexer thread (SPEC R7.4): the store pokes the indexer after a
// commit that stored bodies, and asks it to scan a mailbox's unindexed tail for a search (issue 14 item 4); the
// indexer reports its marks after every step, how far it has texts at hand, each scan's hits, and any error it
// cannot get past.
import type { TextIndexMarks } from './text-db.js';

export interface IndexerSettings {
  storePath: string;
  textPath: string;
  busyTimeoutMs: number;
  /** How often the indexer looks for bodies stored by other processes, in milliseconds. */
  pollMs: number;
  /** Characters of extracted text kept for indexing (tail.ts TailTexts). */
  cacheChars: number;
}

/** A search's request: the mailbox's messages above the indexer's mark whose text holds the lower-cased needle. */
export interface TailRequest {
  type: 'tail';
  id: number;
  mailboxId: number;
  needle: string;
  /** Whether the header counts too (TEXT), or only the body (BODY). */
  header: boolean;
}

export type ToIndexer = { type: 'poke' } | { type: 'close' } | TailRequest;

export type FromIndexer =
  | { type: 'progress'; marks: TextIndexMarks; indexed: number; purged: number }
  | { type: 'error'; message: string }
  /** Every body up to `upTo` has its text at hand in the thread (extracted ahead, or gone) or is indexed. */
  | { type: 'ready'; upTo: number }
  /** The scan's hits, ascending; `indexedMax` is the mark it scanned above (committed before this reply). */
  | { type: 'tail'; id: number; indexedMax: number; uids: number[] }
  | { type: 'tail-failed'; id: number; message: string };
