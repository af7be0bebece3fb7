// SEARCH [RETURN (<return-opts>)] [CHARSET <charset>] <search-key>..., and UID SEARCH
// (RFC 9051 §6.4.4, §7.3.5 SEARCH / §7.3.4 ESEARCH; RFC 4731 ESEARCH; RFC 5182 SAVE; RFC 7162 §3.1.5 MODSEQ;
// RFC 9394 §3.1 PARTIAL; RFC 5267 §4 CONTEXT=SEARCH; SPEC R7.4): `* SEARCH n...` or, with RETURN or in an IMAP4rev2
// session, `* ESEARCH (TAG "t") [UID] MIN/MAX/ALL/COUNT/PARTIAL`; RETURN (UPDATE) keeps the result up to date.
import { selectedOf, type CommandSpec, type ImapContext, type Outcome } from '../context.js';
import type { Command, PartialRange } from '../protocol/types.js';
import { partialItem, partialSlice } from '../partial.js';
import { raw, string } from '../protocol/encode.js';
import { bad, ok } from '../responses.js';
import { runProgram } from '../search/program.js';
import { MAX_SEARCH_UPDATES, searchUpdates } from '../search/updates.js';
import { savedPart } from '../search-result.js';
import { formatSet } from '../sequence.js';

const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'PARTIAL', 'CONTEXT', 'UPDATE']);

/**
 * RFC 4731 §3.1: MIN, MAX and ALL only when something matched; COUNT always; MODSEQ as RFC 7162 §3.1.5;
 * PARTIAL always, NIL when its range names no match (RFC 9394 §3.1).
 */
function esearch(
  ctx: ImapContext,
  options: readonly string[],
  uid: boolean,
  numbers: readonly number[],
  modseq: number | null,
  partial: PartialRange | null,
): Buffer {
  const wanted = options.length === 0 ? ['ALL'] : options; // RFC 4731 §3.1: RETURN () means RETURN (ALL)
  const parts: string[] = [];
  const first = numbers[0];
  const last = numbers[numbers.length - 1];
  if (wanted.includes('MIN') && first !== undefined) parts.push(`MIN ${first}`);
  if (wanted.includes('MAX') && last !== undefined) parts.push(`MAX ${last}`);
  if (wanted.includes('ALL') && numbers.length > 0) parts.push(`ALL ${formatSet(numbers)}`);
  if (partial !== null) parts.push(partialItem(partial, formatSet(partialSlice(numbers, partial))));
  if (wanted.includes('COUNT')) parts.push(`COUNT ${numbers.length}`);
  if (modseq !== null && numbers.length > 0) parts.push(`MODSEQ ${modseq}`);
  const tail = `${uid ? ' UID' : ''}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`;
  return Buffer.concat([raw('* ESEARCH (TAG '), string(ctx.tag), raw(`)${tail}\r\n`)]);
}

export const search: CommandSpec<'SEARCH'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    const { view } = selectedOf(ctx);
    const options = cmd.returnOptions?.map((o) => o.toUpperCase()) ?? null;
    // RFC 5182 §2.1: a SEARCH RETURN (SAVE) that fails (NO) leaves an empty result; a BAD one changes nothing.
    const saves = options?.includes('SAVE') === true;
    let outcome: Outcome;
    try {
      outcome = await run(ctx, cmd, options);
    } catch (err) {
      if (saves) view.searchResult = [];
      throw err;
    }
    if (saves && outcome.result.status === 'NO') view.searchResult = [];
    return outcome;
  },
};

async function run(ctx: ImapContext, cmd: Command & { name: 'SEARCH' }, options: string[] | null): Promise<Outcome> {
  const { view } = selectedOf(ctx);
  const unknown = options?.find((o) => !RETURN_OPTIONS.has(o));
  if (unknown !== undefined) return { result: bad(`Unknown SEARCH return option ${unknown}`) };
  // RFC 5267 §4.1: CONTEXT only says the client may ask for updates (nothing to do); UPDATE keeps the result up
  // to date (search/updates.ts) under the command's tag, which must not name another kept update.
  const updates = searchUpdates(view);
  const update = options?.includes('UPDATE') === true;
  if (update && options?.indexOf('UPDATE') !== options?.lastIndexOf('UPDATE')) return { result: bad('UPDATE given twice') };
  if (update && updates.some((u) => u.tag === ctx.tag)) return { result: bad(`An update is kept under tag ${JSON.stringify(ctx.tag)}`) };
  const seen = view.changeCount;
  const program = await runProgram(ctx, cmd.charset, cmd.key);
  if (!('matched' in program)) return { result: program };
  const { matched, src } = program;
  if (update && updates.length >= MAX_SEARCH_UPDATES) {
    ctx.send(Buffer.concat([raw('* NO [NOUPDATE '), string(ctx.tag), raw('] Too many searches kept up to date\r\n')]));
  } else if (update) {
    updates.push({ tag: ctx.tag, uid: cmd.uid, charset: cmd.charset, key: cmd.key, result: matched, seen });
  }
  options = options?.filter((o) => o !== 'CONTEXT') ?? null;
  const metas = program.modseq && src ? await src.metasOf(matched) : null;
  const modseq = program.modseq ? matched.reduce((max, u) => Math.max(max, metas?.get(u)?.modseq ?? 0), 0) : null;
  return finish(ctx, cmd, options, matched, cmd.uid ? matched : matched.map((u) => view.seqOf(u)), modseq);
}

function finish(
  ctx: ImapContext,
  cmd: Command & { name: 'SEARCH' },
  options: string[] | null,
  matched: readonly number[],
  numbers: number[],
  modseq: number | null,
): Outcome {
  const uid = cmd.uid;
  const partial = cmd.partial ?? null;
  if (options?.includes('SAVE')) {
    selectedOf(ctx).view.searchResult = savedPart(options, matched, partial); // RFC 5182 §2.1, §2.4
    options = options.filter((o) => o !== 'SAVE');
    // RFC 5182 §2.1: SAVE alone returns nothing; with other options, ESEARCH answers those.
    if (options.length === 0) return { result: ok(`${uid ? 'UID SEARCH' : 'SEARCH'} completed, result saved`) };
  }
  // RFC 9051 §6.4.4, Appendix E: a rev2 session gets ESEARCH only; no RETURN means RETURN (ALL).
  if (options === null && ctx.enabled.imap4rev2) ctx.send(esearch(ctx, ['ALL'], uid, numbers, modseq, null));
  else if (options !== null) ctx.send(esearch(ctx, options, uid, numbers, modseq, partial));
  else {
    const tail = modseq !== null && numbers.length > 0 ? ` (MODSEQ ${modseq})` : '';
    ctx.send(raw(`* SEARCH${numbers.length > 0 ? ` ${numbers.join(' ')}` : ''}${tail}\r\n`));
  }
  return { result: ok(`${uid ? 'UID SEARCH' : 'SEARCH'} completed`) };
}
