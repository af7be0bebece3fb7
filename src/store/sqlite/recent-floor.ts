// What this process knows of each mailbox's first unclaimed UID (issue 17 item 3; RFC 3501 §2.3.2, issue 13 item 1):
// a lower bound, since mailboxes.first_recent_uid only moves forward and mailbox ids are never reused
// (AUTOINCREMENT). When it is already past the UIDs a session asks about, another session has claimed them and a
// claim would change nothing: the answer needs no write transaction. A delivery to a mailbox that 10,000 IDLE
// sessions have selected then costs one claim transaction instead of 10,000.
import type { MailboxId, UserId } from '../types.js';

/** Mailboxes remembered at most; past it the map starts again (a forgotten floor only costs one claim). */
const MAX_MAILBOXES = 100_000;

export class RecentFloor {
  private readonly floors = new Map<MailboxId, { userId: UserId; first: number }>();

  /** The known first unclaimed UID when it is above `throughUid` (nothing up to it is left to claim), else null. */
  pastThrough(userId: UserId, mailboxId: MailboxId, throughUid: number): number | null {
    const known = this.floors.get(mailboxId);
    // The owner is checked as the store's own lookup would: another user's mailbox id learns nothing here.
    if (known === undefined || known.userId !== userId || known.first <= throughUid) return null;
    return known.first;
  }

  /** After a committed claim or read: the first unclaimed UID is at least `first`. */
  raise(userId: UserId, mailboxId: MailboxId, first: number): void {
    const known = this.floors.get(mailboxId);
    if (known !== undefined && known.userId === userId && known.first >= first) return;
    if (known === undefined && this.floors.size >= MAX_MAILBOXES) this.floors.clear();
    this.floors.set(mailboxId, { userId, first });
  }
}
