// QRESYNC's answers from the expunge log (RFC 7162 §3.2.5.2 SELECT/EXAMINE (QRESYNC ...), §3.2.6 UID FETCH
// (CHANGEDSINCE m VANISHED); issue 15 item 2): the UIDs a client named that are gone since its mod-sequence. Past
// the log's horizon the answer is every named UID below the view's UIDNEXT that the view does not hold: larger,
// never wrong. A UID the view still holds is never reported EARLIER: its expunge, if any, is announced later.
import type { UidRange, UserId } from '../store/types.js';
import type { Store } from '../store/store.js';
import type { MailboxView } from './mailbox-view.js';
import { gaps, inRanges, intersect, uidRanges } from './vanished.js';

export async function vanishedEarlier(
  store: Store,
  userId: UserId,
  view: MailboxView,
  sinceModseq: number,
  /** The UIDs the client named (sorted, merged), or null for all. */
  named: readonly UidRange[] | null,
): Promise<UidRange[]> {
  const upTo = view.settledThrough;
  const records = await store.vanishedSince(userId, view.mailboxId, sinceModseq);
  if (records === null) {
    const gone = gaps(view.allUids(), upTo); // the log forgot some: every UID not held (issue 15 item 2)
    return named === null ? gone : intersect(gone, named);
  }
  const uids = records
    .map((r) => r.uid)
    .filter((u) => u <= upTo && view.seqOf(u) === 0 && (named === null || inRanges(named, u)))
    .sort((a, b) => a - b);
  return uidRanges(uids);
}
