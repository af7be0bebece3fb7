// The messages a SORT or THREAD program selects (RFC 5256 §3: "the search criteria are the same as SEARCH"),
// through the SEARCH evaluator (src/imap/search/), with the checks SEARCH makes: the charset (RFC 9051 §6.4.4,
// BADCHARSET) and R3.4 exactly as commands/search.ts (a cleartext session never learns whether a REQUIRETLS
// message matches), and the items SORT and THREAD order: the keys the store keeps per body (migrations/0014),
// INTERNALDATE and size, read in one query.
import { enableCondstore } from '../condstore.js';
import { selectedOf, type ImapContext } from '../context.js';
import { privacyRequired } from '../privacy.js';
import { isSearchCharset, LISTED_CHARSETS } from '../protocol/search-charset.js';
import type { SearchKey } from '../protocol/types.js';
import { no, type TaggedResult } from '../responses.js';
import { confiningUids, evaluate, usesModseq } from '../search/evaluate.js';
import { idConfinement, searchSource } from '../search/source.js';
import { toRanges } from '../sequence.js';
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
  if (!isSearchCharset(charset)) return no('Unknown charset', `BADCHARSET (${LISTED_CHARSETS.join(' ')})`);
  if (usesModseq(key)) enableCondstore(ctx); // RFC 7162 §3.1: a CONDSTORE-enabling command
  const { store } = ctx.services;
  let confined = confiningUids(key, view.allUids());
  const ids = confined === null ? await idConfinement(store, user.id, view, key) : null;
  if (ids) {
    const info = await store.getMailboxById(user.id, view.mailboxId);
    if (!view.admits([{ requireTls: info.requireTlsMessages > 0 }])) return privacyRequired(); // R3.4
    confined = ids.uids;
  }
  if (confined !== null && confined.length === 0) return [];
  const src = await searchSource(store, user.id, view, confined === null ? undefined : toRanges(confined), ids?.seed);
  if (!view.admits(src.requireTls.map(() => ({ requireTls: true })))) return privacyRequired(); // R3.4
  const matched = await evaluate(key, [...src.candidates], src);
  if (matched.length === 0) return [];
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
