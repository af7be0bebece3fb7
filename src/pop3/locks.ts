// The maildrop lock (RFC 1939 §8, RFC 2449 §8.1.1 [IN-USE]; SPEC R8.2): one POP3 session per maildrop at
// a time, held from the end of authentication until the session ends however it ends. Within this process by
// session id; across processes (front ends sharing a PostgreSQL store) through the store's maildrop lock.
import type { UserId } from '../store/types.js';

/** The store's lock across processes (Store.lockMaildrop / unlockMaildrop). */
export interface SharedMaildropLock {
  lockMaildrop(userId: UserId): Promise<boolean>;
  unlockMaildrop(userId: UserId): Promise<void>;
}

const NO_OTHER_PROCESS: SharedMaildropLock = {
  lockMaildrop: async () => true,
  unlockMaildrop: async () => undefined,
};

export class MaildropLocks {
  private readonly holders = new Map<UserId, string>();

  constructor(private readonly shared: SharedMaildropLock = NO_OTHER_PROCESS) {}

  /** Takes the lock for `owner` (a session id); false when another session, here or in another process, holds it. */
  async acquire(userId: UserId, owner: string): Promise<boolean> {
    const holder = this.holders.get(userId);
    if (holder !== undefined) return holder === owner;
    this.holders.set(userId, owner); // before the wait: a second session here is refused meanwhile
    let shared = false;
    try {
      shared = await this.shared.lockMaildrop(userId);
    } finally {
      if (!shared && this.holders.get(userId) === owner) this.holders.delete(userId);
    }
    return shared;
  }

  /** Releases the lock if `owner` holds it; a no-op otherwise. */
  release(userId: UserId, owner: string): void {
    if (this.holders.get(userId) !== owner) return;
    this.holders.delete(userId);
    this.shared.unlockMaildrop(userId).catch(() => undefined); // a lost connection released it already
  }

  isLocked(userId: UserId): boolean {
    return this.holders.has(userId);
  }
}
