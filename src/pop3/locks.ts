// The maildrop lock (RFC 1939 §8, RFC 2449 §8.1.1 [IN-USE]; SPEC R8.2): one POP3 session per maildrop at
// a time, held from the end of authentication until the session ends however it ends. In-process: one
// Postern process serves a store.
import type { UserId } from '../store/types.js';

export class MaildropLocks {
  private readonly holders = new Map<UserId, string>();

  /** Takes the lock for `owner` (a session id); false when another session holds it. */
  acquire(userId: UserId, owner: string): boolean {
    const holder = this.holders.get(userId);
    if (holder !== undefined && holder !== owner) return false;
    this.holders.set(userId, owner);
    return true;
  }

  /** Releases the lock if `owner` holds it; a no-op otherwise. */
  release(userId: UserId, owner: string): void {
    if (this.holders.get(userId) === owner) this.holders.delete(userId);
  }

  isLocked(userId: UserId): boolean {
    return this.holders.has(userId);
  }
}
