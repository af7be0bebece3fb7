// What every part of the PostgreSQL store shares (issue 18): the pool, write use cases as one transaction each
// whose changes are announced to the other front ends at commit (NOTIFY is transactional) and published to this
// process's feed after it, and reads from one snapshot.
import type { ChangeFeed, MailboxChange } from '../changes.js';
import { transaction, type PgClient, type PgPool } from './database.js';

/** A write use case's result and the changes it made, published after the commit. */
export interface Outcome<T> {
  value: T;
  changes: MailboxChange[];
}

/** The NOTIFY channel of change announcements: `{"o":origin,"m":[mailbox ids]}` (small; receivers re-read). */
export const CHANGE_CHANNEL = 'postern_changes';

export interface ChangeAnnouncement {
  /** The announcing process (its own announcements come back to it and are ignored). */
  o: string;
  /** Mailboxes that changed. */
  m: number[];
}

/** The state a listener was given when it subscribed (feed.ts re-reads other front ends' changes after it). */
export interface TrackedMailbox {
  id: number;
  name: string;
  uidNext: number;
  highestModseq: number;
  /** Keywords the mailbox had in that state (the list only grows). */
  keywordCount?: number;
}

export class PgContext {
  /**
   * Set by the store: openMailbox calls it right after subscribing its listener, with the snapshot's mailbox state,
   * so that changes other front ends commit after that snapshot reach the listener (issue 18 item 3, feed.ts).
   */
  track: (info: TrackedMailbox) => void = () => undefined;

  /**
   * Set by the store: publishes this process's committed changes (feed.ts publishes first what other front ends
   * committed before them to the same watched mailboxes, so that UIDs reach a session in ascending order).
   */
  publish: (changes: MailboxChange[]) => Promise<void> = async (changes) => this.feed.publish(changes);

  constructor(
    readonly pool: PgPool,
    readonly feed: ChangeFeed,
    /** This process's id in announcements. */
    readonly origin: string,
  ) {}

  /** Runs `fn` in one transaction; its changes are announced at commit and published here after it. */
  async write<T>(fn: (client: PgClient) => Promise<Outcome<T>>): Promise<T> {
    const outcome = await transaction(this.pool, async (client) => {
      const out = await fn(client);
      await this.announce(client, out.changes);
      return out;
    });
    if (outcome.changes.length > 0) await this.publish(outcome.changes);
    return outcome.value;
  }

  /** Runs `fn` with several statements that see one snapshot. */
  read<T>(fn: (client: PgClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, fn, { snapshot: true });
  }

  /** Queues the announcement of `changes` in the caller's transaction (sent at its commit, dropped on rollback). */
  async announce(client: PgClient, changes: readonly MailboxChange[]): Promise<void> {
    if (changes.length === 0) return;
    const payload: ChangeAnnouncement = { o: this.origin, m: [...new Set(changes.map((c) => c.mailboxId))] };
    await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(payload)]);
  }
}
