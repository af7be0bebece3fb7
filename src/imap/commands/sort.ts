// SORT and UID SORT (RFC 5256 §4 SORT, §3 sort keys; RFC 5957 DISPLAYFROM / DISPLAYTO; RFC 5267 §3 ESORT;
// SPEC R7.2, R3.4): `* SORT n...` in the criteria's order, or with RETURN `* ESEARCH (TAG "t") [UID] MIN/MAX/
// ALL/COUNT/PARTIAL` where MIN and MAX are the first and last of the sorted result, ALL keeps its order and
// PARTIAL (RFC 5267 §4.4, RFC 9394 §3.1) counts positions in it. Ordered on
// the keys the store keeps per body (issue 15 item 4), never by parsing headers.
import { selectedOf, type CommandSpec, type ImapContext } from '../context.js';
import { partialItem, partialSlice } from '../partial.js';
import { raw, string } from '../protocol/encode.js';
import type { PartialRange, SearchKey, SortCriterion } from '../protocol/types.js';
import { bad, ok, type TaggedResult } from '../responses.js';
import { simpleSortFor, sortItemsFor, needsOf } from '../sort/matching.js';
import { sortItems } from '../sort/order.js';

/** A sequence-set that lists the numbers in this order: ranges only for ascending runs (RFC 5267 §3.2 ALL). */
export function orderedSet(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(j > i ? `${numbers[i]}:${numbers[j]}` : String(numbers[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** RFC 5267 §3.2 / RFC 4731 §3.1: MIN, MAX and ALL only when something matched; COUNT and PARTIAL always. */
function esort(ctx: ImapContext, options: readonly string[], uid: boolean, numbers: readonly number[], partial: PartialRange | null): Buffer {
  const wanted = options.length === 0 ? ['ALL'] : options;
  const parts: string[] = [];
  if (numbers.length > 0) {
    if (wanted.includes('MIN')) parts.push(`MIN ${numbers[0]}`);
    if (wanted.includes('MAX')) parts.push(`MAX ${numbers[numbers.length - 1]}`);
    if (wanted.includes('ALL')) parts.push(`ALL ${orderedSet(numbers)}`);
  }
  if (partial !== null) parts.push(partialItem(partial, orderedSet(partialSlice(numbers, partial))));
  if (wanted.includes('COUNT')) parts.push(`COUNT ${numbers.length}`);
  const tail = `${uid ? ' UID' : ''}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`;
  return Buffer.concat([raw('* ESEARCH (TAG '), string(ctx.tag), raw(`)${tail}\r\n`)]);
}

/** The selected messages' numbers in the criteria's order: by SQLite for one simple key, else by sortItems. */
async function sorted(ctx: ImapContext, charset: string, key: SearchKey, criteria: readonly SortCriterion[], uid: boolean): Promise<number[] | TaggedResult> {
  const simple = await simpleSortFor(ctx, charset, key, criteria);
  if (simple !== null) {
    if (!Array.isArray(simple) || uid) return simple;
    const { view } = selectedOf(ctx);
    return simple.map((u) => view.seqOf(u));
  }
  const items = await sortItemsFor(ctx, charset, key, needsOf(criteria));
  if (!Array.isArray(items)) return items;
  return sortItems(items, criteria).map((m) => (uid ? m.uid : m.seq));
}

export const sort: CommandSpec<'SORT'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    if (cmd.criteria.length === 0) return { result: bad('Empty sort criteria') };
    const numbers = await sorted(ctx, cmd.charset, cmd.key, cmd.criteria, cmd.uid);
    if (!Array.isArray(numbers)) return { result: numbers };
    if (cmd.returnOptions !== null) ctx.send(esort(ctx, cmd.returnOptions, cmd.uid, numbers, cmd.partial ?? null));
    else ctx.send(raw(`* SORT${numbers.map((n) => ` ${n}`).join('')}\r\n`));
    return { result: ok(`${cmd.uid ? 'UID SORT' : 'SORT'} completed`) };
  },
};
