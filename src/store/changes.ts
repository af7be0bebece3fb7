// The change feed (SPEC R7.5): tells every interested session in this process what changed in a mailbox,
// so that IDLE and other sessions learn of EXISTS, EXPUNGE and flag changes at once. Sessions still read
// the authoritative state from the store; the feed is a wake-up call carrying enough to act on. Changes
// committed by other processes are published here too (sqlite/feed-watcher.ts); a listener must bear a notice
// told twice or late (issue 13 item 5).
import type { MailboxId } from './types.js';

export type MailboxChange =
  | { kind: 'exists'; mailboxId: MailboxId; uid: number; modseq: number; requireTls: boolean }
  | { kind: 'expunge'; mailboxId: MailboxId; uids: number[]; modseq: number }
  | { kind: 'flags'; mailboxId: MailboxId; uid: number; flags: string[]; modseq: number }
  /** The mailbox's keyword list grew (issue 13 item 2): all of it, published before the change that uses one. */
  | { kind: 'keywords'; mailboxId: MailboxId; keywords: string[] }
  | { kind: 'deleted'; mailboxId: MailboxId }
  | { kind: 'renamed'; mailboxId: MailboxId; name: string };

export type ChangeListener = (change: MailboxChange) => void;

export class ChangeFeed {
  private readonly listeners = new Map<MailboxId, Set<ChangeListener>>();

  /** Listen to one mailbox; returns the function that stops listening. */
  subscribe(mailboxId: MailboxId, listener: ChangeListener): () => void {
    let set = this.listeners.get(mailboxId);
    if (!set) {
      set = new Set();
      this.listeners.set(mailboxId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(mailboxId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(mailboxId);
    };
  }

  /** Called by the store after a transaction commits, never before (a listener must see committed state). */
  publish(changes: readonly MailboxChange[]): void {
    for (const change of changes) {
      const set = this.listeners.get(change.mailboxId);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(change);
        } catch {
          // A faulty listener must not stop delivery to the others; sessions log their own faults.
        }
      }
    }
  }

  listenerCount(mailboxId: MailboxId): number {
    return this.listeners.get(mailboxId)?.size ?? 0;
  }
}
