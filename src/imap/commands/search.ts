// SEARCH [RETURN (<return-opts>)] [CHARSET <charset>] <search-key>..., and UID SEARCH
// (RFC 9051 §6.4.4, §7.3.5 SEARCH / §7.3.4 ESEARCH; RFC 4731 ESEARCH; RFC 5182 SAVE; RFC 7162 §3.1.5 MODSEQ;
// RFC 9394 §3.1 PARTIAL; SPEC R7.4): `* SEARCH n...` or, with RETURN or in an IMAP4rev2 session,
// `* ESEARCH (TAG "t") [UID] MIN/MAX/ALL/COUNT/PARTIAL`.
import { selectedOf, type CommandSpec, type ImapContext, type Outcome } from '../context.js';
import type { Command, PartialRange } from '../protocol/types.js';
import { partialItem, partialSlice } from '../partial.js';
import { raw, string } from '../protocol/encode.js';
import { enableCondstore } from '../condstore.js';
import { privacyRequired } from '../privacy.js';
import { isSearchCharset, LISTED_CHARSETS } from '../protocol/search-charset.js';
import { bad, no, ok } from '../responses.js';
import { confiningUids, evaluate, usesModseq } from '../search/evaluate.js';
import { idConfinement, searchSource } from '../search/source.js';
import { savedPart } from '../search-result.js';
import { formatSet, toRanges } from '../sequence.js';

const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'PARTIAL']);

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
  const { view, user } = selectedOf(ctx);
  // RFC 9051 §6.4.4: US-ASCII and UTF-8 must be supported (SPEC R7.4); the others clients send are converted
  // (issue 13 item 11). An unknown one is NO [BADCHARSET (...)], as Dovecot, even with no string to convert.
  if (cmd.charset !== null && !isSearchCharset(cmd.charset)) {
    return { result: no('Unknown charset', `BADCHARSET (${LISTED_CHARSETS.join(' ')})`) };
  }
  const unknown = options?.find((o) => !RETURN_OPTIONS.has(o));
  if (unknown !== undefined) return { result: bad(`Unknown SEARCH return option ${unknown}`) };
  const modseqWanted = usesModseq(cmd.key);
  if (modseqWanted) enableCondstore(ctx); // RFC 7162 §3.1: a CONDSTORE-enabling command

  const { store } = ctx.services;
  // A top-level UID or message-number set confines the listing to its rows (UID SEARCH UID 1000:* ...); else
  // a HEADER Message-ID <id> (or In-Reply-To, References) to the messages the msg-id index names.
  let confined = confiningUids(cmd.key, view.allUids());
  const ids = confined === null ? await idConfinement(store, user.id, view, cmd.key) : null;
  if (ids) {
    // Confined by content, the listing shows only the messages that may match: judge the whole mailbox by its
    // REQUIRETLS counter, as a full listing would (R3.4; admits is true at once with TLS).
    const info = await store.getMailboxById(user.id, view.mailboxId);
    if (!view.admits([{ requireTls: info.requireTlsMessages > 0 }])) return { result: privacyRequired() };
    confined = ids.uids;
  }
  if (confined !== null && confined.length === 0) return finish(ctx, cmd, options, [], [], null);
  const src = await searchSource(store, user.id, view, confined === null ? undefined : toRanges(confined), ids?.seed);
  // R3.4, defence in depth: a cleartext session never learns whether a REQUIRETLS message matches (BYE instead):
  // the listing the search starts from names the REQUIRETLS messages in the same snapshot.
  if (!view.admits(src.requireTls.map(() => ({ requireTls: true })))) return { result: privacyRequired() };
  const matched = await evaluate(cmd.key, [...src.candidates], src);
  const metas = modseqWanted ? await src.metasOf(matched) : null;
  const modseq = metas ? matched.reduce((max, u) => Math.max(max, metas.get(u)?.modseq ?? 0), 0) : null;
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
