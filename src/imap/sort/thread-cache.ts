// The last THREAD forest of each mailbox and algorithm (RFC 5256 §3), shared by the sessions of the IMAP
// service: webmail threads the same mailbox on every page view. A forest depends only on which messages were
// matched and on their thread keys; a message's keys come from its trace prefix and body, which never change,
// and UIDs are never reused within a mailbox's UIDVALIDITY (an import may restart them under another one); so a
// forest computed for exactly the same UIDs of the same mailbox and UIDVALIDITY
// is that set's forest again, and an entry never goes stale: any other set (an arrival, an expunge, other
// criteria) misses and is computed afresh. A forest is kept as its response data with UIDs (a few octets per
// message); bounded by the messages held, least recently used forgotten first.
import type { ThreadAlgorithm } from '../protocol/types.js';

interface Entry {
  uids: Uint32Array;
  /** formatThreads' output with UIDs for numbers. */
  data: string;
}

export class ThreadCache {
  /** Map order is the recency order. */
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  /** `maxMessages`: the most messages all entries together stand for. */
  constructor(private readonly maxMessages: number) {}

  /** The thread data (with UIDs) last computed for exactly these UIDs (ascending) of this mailbox, or undefined. */
  lookup(mailboxId: number, uidValidity: number, algorithm: ThreadAlgorithm, uids: readonly number[]): string | undefined {
    const key = `${mailboxId} ${uidValidity} ${algorithm}`;
    const entry = this.entries.get(key);
    if (!entry || !sameUids(entry.uids, uids)) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.data;
  }

  /** Remembers the thread data (with UIDs) of these UIDs, in place of the mailbox's previous one. */
  remember(mailboxId: number, uidValidity: number, algorithm: ThreadAlgorithm, uids: readonly number[], data: string): void {
    const key = `${mailboxId} ${uidValidity} ${algorithm}`;
    this.forget(key);
    if (uids.length > this.maxMessages) return;
    this.entries.set(key, { uids: Uint32Array.from(uids), data });
    this.held += uids.length;
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.maxMessages) break;
      this.forget(oldest);
    }
  }

  /** How many messages the entries stand for (tests). */
  get messages(): number {
    return this.held;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.uids.length;
  }
}

function sameUids(kept: Uint32Array, uids: readonly number[]): boolean {
  if (kept.length !== uids.length) return false;
  for (let i = 0; i < kept.length; i++) if (kept[i] !== uids[i]) return false;
  return true;
}
