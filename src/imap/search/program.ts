// Running a search program over the selected mailbox (RFC 9051 §6.4.4; RFC 5256 §3: SORT and THREAD take the same
// criteria): the charset check (BADCHARSET), CONDSTORE enabled by a MODSEQ key (RFC 7162 §3.1), the listing
// confined by a UID set or a msg-id lookup, and R3.4 — a cleartext session never learns whether a REQUIRETLS
// message matches — before the key tree is evaluated. Shared by SEARCH, SORT and THREAD.
import { enableCondstore } from '../condstore.js';
import { selectedOf, type ImapContext } from '../context.js';
import { privacyRequired } from '../privacy.js';
import { isSearchCharset, LISTED_CHARSETS } from '../protocol/search-charset.js';
import type { SearchKey } from '../protocol/types.js';
import { no, type TaggedResult } from '../responses.js';
import { toRanges } from '../sequence.js';
import { confiningUids, evaluate, usesModseq } from './evaluate.js';
import { idConfinement, searchSource, type SearchSource } from './source.js';

export interface ProgramResult {
  /** The matching UIDs, ascending. */
  matched: number[];
  /** What the search read (null when the confinement left nothing to read). */
  src: SearchSource | null;
  /** Whether the program uses MODSEQ (the answer then carries the highest mod-sequence). */
  modseq: boolean;
}

/** The selected mailbox's messages that `key` matches, or the tagged refusal. `charset` null: none given. */
export async function runProgram(ctx: ImapContext, charset: string | null, key: SearchKey): Promise<ProgramResult | TaggedResult> {
  const { view, user } = selectedOf(ctx);
  // RFC 9051 §6.4.4: US-ASCII and UTF-8 must be supported (SPEC R7.4); the others clients send are converted
  // (issue 13 item 11). An unknown one is NO [BADCHARSET (...)], as Dovecot, even with no string to convert.
  if (charset !== null && !isSearchCharset(charset)) return no('Unknown charset', `BADCHARSET (${LISTED_CHARSETS.join(' ')})`);
  const modseq = usesModseq(key);
  if (modseq) enableCondstore(ctx); // RFC 7162 §3.1: a CONDSTORE-enabling command
  const { store } = ctx.services;
  // A top-level UID or message-number set confines the listing to its rows (UID SEARCH UID 1000:* ...); else
  // a HEADER Message-ID <id> (or In-Reply-To, References) to the messages the msg-id index names.
  let confined = confiningUids(key, view.allUids());
  const ids = confined === null ? await idConfinement(store, user.id, view, key) : null;
  if (ids) {
    // Confined by content, the listing shows only the messages that may match: judge the whole mailbox by its
    // REQUIRETLS counter, as a full listing would (R3.4; admits is true at once with TLS).
    const info = await store.getMailboxById(user.id, view.mailboxId);
    if (!view.admits([{ requireTls: info.requireTlsMessages > 0 }])) return privacyRequired();
    confined = ids.uids;
  }
  if (confined !== null && confined.length === 0) return { matched: [], src: null, modseq };
  const src = await searchSource(store, user.id, view, confined === null ? undefined : toRanges(confined), ids?.seed);
  // R3.4, defence in depth: the listing the search starts from names the REQUIRETLS messages in the same snapshot.
  if (!view.admits(src.requireTls.map(() => ({ requireTls: true })))) return privacyRequired();
  return { matched: await evaluate(key, [...src.candidates], src), src, modseq };
}
