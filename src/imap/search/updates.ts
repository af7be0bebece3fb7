// CONTEXT=SEARCH (RFC 5267 §4): a SEARCH with RETURN (UPDATE) keeps its result up to date for the client. The
// session keeps each such search (at most MAX_SEARCH_UPDATES, as Dovecot) with the UIDs it last reported; when the
// mailbox changed, it runs the search again and sends `* ESEARCH (TAG "t") [UID] REMOVEFROM (0 set) ADDTO (0 set)`
// at the moments untagged EXPUNGE, EXISTS and FETCH may be sent. Removals go out before the view's EXPUNGE
// responses, so that message numbers name the messages they did (RFC 5267 §4.3); additions after its EXISTS.
// CANCELUPDATE (commands/cancel-update.ts) ends them; closing the mailbox ends them all.
import type { ImapContext } from '../context.js';
import type { MailboxView } from '../mailbox-view.js';
import { raw, string, type Wire } from '../protocol/encode.js';
import type { SearchKey } from '../protocol/types.js';
import { formatSet } from '../sequence.js';
import { runProgram } from './program.js';
import { minus } from './uid-lists.js';

/** Updates kept per selected mailbox; the next one is refused with NOUPDATE (RFC 5267 §4.2). */
export const MAX_SEARCH_UPDATES = 10;

export interface SearchUpdate {
  /** The tag of the SEARCH that asked for it: the client's name for it. */
  tag: string;
  /** UID SEARCH: updates name UIDs, else message numbers. */
  uid: boolean;
  charset: string | null;
  key: SearchKey;
  /** The matching UIDs as last reported, ascending. */
  result: number[];
  /** The view's changeCount when `result` was computed. */
  seen: number;
}

const kept = new WeakMap<MailboxView, SearchUpdate[]>();

/** Whether any update is kept for the selected mailbox (every command's announcement asks). */
export function hasSearchUpdates(view: MailboxView): boolean {
  return (kept.get(view)?.length ?? 0) > 0;
}

/** The updates kept for the selected mailbox (dropped with its view). */
export function searchUpdates(view: MailboxView): SearchUpdate[] {
  let list = kept.get(view);
  if (!list) {
    list = [];
    kept.set(view, list);
  }
  return list;
}

function line(update: SearchUpdate, view: MailboxView, removed: readonly number[], added: readonly number[]): Wire | null {
  const numbers = (uids: readonly number[]): number[] => {
    if (update.uid) return [...uids];
    return uids.map((u) => view.seqOf(u)).filter((seq) => seq > 0).sort((a, b) => a - b);
  };
  const gone = numbers(removed);
  const come = numbers(added);
  if (gone.length === 0 && come.length === 0) return null;
  const parts = `${update.uid ? ' UID' : ''}${gone.length > 0 ? ` REMOVEFROM (0 ${formatSet(gone)})` : ''}${come.length > 0 ? ` ADDTO (0 ${formatSet(come)})` : ''}`;
  return Buffer.concat([raw('* ESEARCH (TAG '), string(update.tag), raw(`)${parts}\r\n`)]);
}

/** The update's search over the mailbox as it is now; null when it cannot run (R3.4: the session is ending). */
async function rerun(ctx: ImapContext, update: SearchUpdate): Promise<number[] | null> {
  const program = await runProgram(ctx, update.charset, update.key);
  return 'matched' in program ? program.matched : null;
}

/**
 * What the kept updates must tell before the view's pending changes are announced (`before`: the removals of
 * updates by message number, while those numbers still name the messages) or after (`after`: the rest).
 * `always`: before a command's own EXPUNGE responses, which it sends before the feed may have told the view.
 */
export async function searchUpdateLines(ctx: ImapContext, view: MailboxView, phase: 'before' | 'after', always = false): Promise<Wire[]> {
  const out: Wire[] = [];
  for (const update of kept.get(view) ?? []) {
    if (update.seen === view.changeCount && !always) continue;
    if (phase === 'before' && update.uid) continue; // UIDs name the same messages before and after
    const seen = view.changeCount;
    let now: number[] | null;
    try {
      now = await rerun(ctx, update);
    } catch (err) {
      ctx.log.warn({ err, tag: update.tag }, 'a CONTEXT=SEARCH update could not run; tried again at the next change');
      continue;
    }
    if (now === null) continue;
    const removed = minus(update.result, now);
    if (phase === 'before') {
      update.result = minus(update.result, removed);
      const wire = line(update, view, removed, []);
      if (wire) out.push(wire);
      continue;
    }
    const added = minus(now, update.result);
    const wire = line(update, view, removed, added);
    update.result = now;
    update.seen = seen;
    if (wire) out.push(wire);
  }
  return out;
}
