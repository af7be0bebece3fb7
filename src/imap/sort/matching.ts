// The messages a SORT or THREAD program selects (RFC 5256 §3: "the search criteria are the same as SEARCH"),
// through the program SEARCH runs (src/imap/search/program.ts: charset, CONDSTORE, R3.4), and the items SORT
// and THREAD order: the keys the store keeps per body (migrations/0014),
// INTERNALDATE and size, read in one query.
import { selectedOf, type ImapContext } from '../context.js';
import type { SearchKey } from '../protocol/types.js';
import type { TaggedResult } from '../responses.js';
import { runProgram } from '../search/program.js';
import type { SortItem } from './order.js';

/**
 * Messages whose keys are read per store call, with a turn of the event loop between calls: a few µs each when
 * kept, but the first SORT after an upgrade computes every row from its header (~0.2 ms each), and other
 * sessions must be answered meanwhile (as SEARCH's slices, issue 13 item 7).
 */
const KEYS_SLICE = 1000;

/** Lets the event loop run I/O (other sessions' commands) before continuing. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The selected messages with their keys, in sequence order; or the tagged refusal. */
export async function sortItemsFor(ctx: ImapContext, charset: string, key: SearchKey): Promise<SortItem[] | TaggedResult> {
  const { view, user } = selectedOf(ctx);
  const program = await runProgram(ctx, charset, key);
  if (!('matched' in program)) return program;
  const { matched } = program;
  if (matched.length === 0) return [];
  const { store } = ctx.services;
  const items: SortItem[] = [];
  for (let i = 0; i < matched.length; i += KEYS_SLICE) {
    if (i > 0) await yieldToLoop();
    const slice = matched.slice(i, i + KEYS_SLICE);
    const rows = await store.sortKeys(user.id, view.mailboxId, { from: slice[0]!, to: slice[slice.length - 1]! });
    for (const uid of slice) {
      const row = rows.get(uid);
      if (!row) continue; // expunged since the search began: nothing to order it by
      items.push({ uid, seq: view.seqOf(uid), keys: row.keys, arrival: row.internalDate, size: row.size });
    }
  }
  return items.sort((a, b) => a.seq - b.seq);
}
