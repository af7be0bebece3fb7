// The messages a SORT or THREAD program selects (RFC 5256 §3: "the search criteria are the same as SEARCH"),
// through the program SEARCH runs (src/imap/search/program.ts: charset, CONDSTORE, R3.4), and the items SORT
// and THREAD order: the keys the store keeps per body (migrations/0014),
// INTERNALDATE and size, read in one query.
import { selectedOf, type ImapContext } from '../context.js';
import type { SimpleSortKey, SortKeyNeed } from '../../store/types.js';
import type { SearchKey, SortCriterion } from '../protocol/types.js';
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

/** The keys the criteria compare (RFC 5256 §3, RFC 5957 §2): only those are read. */
export function needsOf(criteria: readonly SortCriterion[]): SortKeyNeed[] {
  const needs = new Set<SortKeyNeed>();
  for (const { key } of criteria) {
    if (key === 'DATE') needs.add('sent');
    else if (key === 'SUBJECT') needs.add('subject');
    else if (key === 'FROM' || key === 'DISPLAYFROM') needs.add('from');
    else if (key === 'TO' || key === 'DISPLAYTO') needs.add('to');
    else if (key === 'CC') needs.add('cc');
  }
  return [...needs];
}

const SIMPLE: ReadonlySet<string> = new Set<SimpleSortKey>(['ARRIVAL', 'SIZE', 'DATE']);

/**
 * The selected messages' UIDs in the order of one ARRIVAL, SIZE or DATE criterion, as SQLite orders them (ties
 * by UID, which is sequence order); null when the criteria are others or a message's stored sent date may not
 * serve (then sortItemsFor and sortItems); or the tagged refusal.
 */
export async function simpleSortFor(
  ctx: ImapContext,
  charset: string,
  key: SearchKey,
  criteria: readonly SortCriterion[],
): Promise<number[] | null | TaggedResult> {
  const [only] = criteria;
  if (criteria.length !== 1 || !only || !SIMPLE.has(only.key)) return null;
  const { view, user } = selectedOf(ctx);
  const program = await runProgram(ctx, charset, key);
  if (!('matched' in program)) return program;
  const { matched } = program;
  if (matched.length === 0) return [];
  const from = matched[0]!;
  const to = matched[matched.length - 1]!;
  const sorted = await ctx.services.store.sortedUids(user.id, view.mailboxId, { from, to }, only.key as SimpleSortKey, only.reverse);
  if (sorted === null) return null;
  if (matched.length === to - from + 1) return sorted; // every UID of the span matched
  const wanted = new Set(matched);
  return sorted.filter((uid) => wanted.has(uid));
}

/** The selected messages' UIDs the search criteria match, ascending; or the tagged refusal. */
export async function matchedUids(ctx: ImapContext, charset: string, key: SearchKey): Promise<number[] | TaggedResult> {
  const program = await runProgram(ctx, charset, key);
  return 'matched' in program ? program.matched : program;
}

/** The selected messages with the keys `need` names, in sequence order; or the tagged refusal. */
export async function sortItemsFor(ctx: ImapContext, charset: string, key: SearchKey, need: readonly SortKeyNeed[]): Promise<SortItem[] | TaggedResult> {
  const matched = await matchedUids(ctx, charset, key);
  return Array.isArray(matched) ? sortItemsOf(ctx, matched, need) : matched;
}

/** The messages of `matched` (ascending UIDs) still in the mailbox, with the keys `need` names, in sequence order. */
export async function sortItemsOf(ctx: ImapContext, matched: readonly number[], need: readonly SortKeyNeed[]): Promise<SortItem[]> {
  const { view, user } = selectedOf(ctx);
  if (matched.length === 0) return [];
  const { store } = ctx.services;
  const items: SortItem[] = [];
  for (let i = 0; i < matched.length; i += KEYS_SLICE) {
    if (i > 0) await yieldToLoop();
    const slice = matched.slice(i, i + KEYS_SLICE);
    const rows = await store.sortKeys(user.id, view.mailboxId, { from: slice[0]!, to: slice[slice.length - 1]! }, need);
    // Both in UID order: a row whose UID did not match is skipped; a match without a row was expunged since
    // the search began (nothing to order it by).
    let r = 0;
    for (const uid of slice) {
      while (r < rows.length && rows[r]!.uid < uid) r++;
      const row = rows[r];
      if (row?.uid !== uid) continue;
      items.push({ uid, seq: view.seqOf(uid), keys: row.keys, arrival: row.internalDate, size: row.size });
    }
  }
  return items.sort((a, b) => a.seq - b.seq);
}
