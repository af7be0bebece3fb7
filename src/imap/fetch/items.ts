// FETCH response items for one message (RFC 9051 §6.4.5, §7.5.2; RFC 7162 §3.1.4 MODSEQ; RFC 8970 PREVIEW; RFC 8474
// §5 EMAILID, THREADID; RFC 8514 §4 SAVEDATE): what a request
// needs from the store (the plan), and the `* n FETCH (...)` line built in the order the client asked,
// with UID first for UID FETCH (§6.4.9) and FLAGS added when fetching set \Seen (§6.4.5). The line is built
// as pieces (text and buffers, never concatenated here) for the command's WriteCoalescer; for a message another
// session expunged, the same items with Dovecot's NIL replies (issue 13 item 4).
import type { Piece } from '../../net/write-coalescer.js';
import type { MailboxView } from '../mailbox-view.js';
import { list, number, raw, string, type Wire } from '../protocol/encode.js';
import { serverZone } from '../protocol/date.js';
import { dateTimeText } from '../protocol/encode-text.js';
import type { MessageForms } from '../../mime/render/forms.js';
import type { RenderCache, RenderedItem } from './render-cache.js';
import type { FetchAttribute } from '../protocol/types.js';
import { untagged } from '../responses.js';
import { bodyItem, type BodyAttribute, isBodyAttribute, type FetchPiece, needsStructure, readsWhole, sectionText, setsSeen, type FetchedMessage } from './body-section.js';

export interface FetchPlan {
  attributes: readonly FetchAttribute[];
  /** The items to write, in order, each once: UID first for UID FETCH, MODSEQ left out (written last). */
  items: readonly FetchAttribute[];
  /** FLAGS is among the items. */
  flags: boolean;
  /** UID FETCH: the UID item is always included (RFC 9051 §6.4.9). */
  uid: boolean;
  /** MODSEQ asked for, or implied by CHANGEDSINCE (RFC 7162 §3.1.4.1). */
  modseq: boolean;
  /** The stored renderings asked for: a message's are read from the store only when one is not cached. */
  rendered: RenderedItem[];
  /** Some body item needs the structure of every message (a section other than the whole message). */
  sections: boolean;
  /** Some item is the whole message: the command reads whole messages in batches. */
  whole: boolean;
  /** Some item sets \Seen implicitly. */
  seen: boolean;
  /** RFC 8970: PREVIEW asked for; `lazy` when every PREVIEW item was PREVIEW (LAZY) (§4.2: NIL when not at hand). */
  preview: { lazy: boolean } | null;
}

export function planFetch(attributes: readonly FetchAttribute[], uid: boolean, changedSince: number | null): FetchPlan {
  const rendered = (['ENVELOPE', 'BODY', 'BODYSTRUCTURE'] as const).filter((item) => attributes.some((a) => a.kind === item));
  const sections = attributes.some((a) => isBodyAttribute(a) && needsStructure(a));
  // Each item once (a body item by its whole value), decided once per command rather than per message.
  const items: FetchAttribute[] = [];
  const seen = new Set<string>();
  for (const att of uid ? [{ kind: 'UID' } as const, ...attributes] : attributes) {
    const key = isBodyAttribute(att) ? JSON.stringify(att) : att.kind;
    if (att.kind === 'MODSEQ' || seen.has(key)) continue;
    seen.add(key);
    items.push(att);
  }
  return {
    attributes,
    items,
    flags: seen.has('FLAGS'),
    uid,
    modseq: changedSince !== null || attributes.some((a) => a.kind === 'MODSEQ'),
    rendered,
    sections,
    whole: attributes.some((a) => isBodyAttribute(a) && readsWhole(a)),
    seen: attributes.some(setsSeen),
    preview: previewPlan(attributes),
  };
}

function previewPlan(attributes: readonly FetchAttribute[]): { lazy: boolean } | null {
  const asked = attributes.filter((a) => a.kind === 'PREVIEW');
  return asked.length === 0 ? null : { lazy: asked.every((a) => a.lazy) };
}

export interface ItemContext {
  view: MailboxView;
  /** UTF8=ACCEPT (RFC 6855 §3): ENVELOPE and BODYSTRUCTURE strings may carry UTF-8. */
  utf8: boolean;
  /** Fetching set \Seen on this message just now: report the new FLAGS even if not asked (§6.4.5). */
  flagsChanged: boolean;
  /** CONDSTORE is on: a flag change reported here carries its MODSEQ (RFC 7162 §3.1.4). */
  condstore: boolean;
  /** Renderings of ENVELOPE / BODY / BODYSTRUCTURE shared across sessions, by body. */
  cache: RenderCache;
}

/** Renderings found in the cache or read from the store before the line is built (an eviction cannot matter). */
export type CachedRenderings = Partial<Record<RenderedItem, Piece>>;

/** Looks up the plan's renderings of one body; `complete` when none is missing (its stored forms are not needed). */
export function cachedRenderings(plan: FetchPlan, bodyId: number, ic: Pick<ItemContext, 'cache' | 'utf8'>): { found: CachedRenderings; complete: boolean } {
  const found: CachedRenderings = {};
  let complete = true;
  for (const item of plan.rendered) {
    const hit = ic.cache.lookup(bodyId, item, ic.utf8);
    if (hit === undefined) complete = false;
    else found[item] = hit;
  }
  return { found, complete };
}

/** The stored form of each rendered item. */
export const FORM_OF: Record<RenderedItem, keyof MessageForms> = { ENVELOPE: 'envelope', BODY: 'body', BODYSTRUCTURE: 'bodystructure' };

/**
 * Completes `found` from the forms the store keeps (issue 17 item 2: rendered at ingest), remembering each in the
 * cache as `NAME value` text, so that the next session's FETCH reads no store row for them.
 */
export function storedRenderings(plan: FetchPlan, bodyId: number, forms: Partial<MessageForms>, found: CachedRenderings, ic: Pick<ItemContext, 'cache' | 'utf8'>): void {
  for (const item of plan.rendered) {
    const form = forms[FORM_OF[item]];
    if (form !== undefined) found[item] ??= ic.cache.get(bodyId, item, ic.utf8, () => `${item} ${form}`);
  }
}

/**
 * INTERNALDATE as text by millisecond and zone: messages delivered together share dates, and formatting showed
 * in profiles. In the zone the message keeps (issue 13 item 6: the client's at APPEND).
 */
const dateTexts = new Map<string, string>();
const DATE_TEXTS_MAX = 50_000;

function internalDate(d: Date, zone: number): string {
  const key = `${d.getTime()} ${zone}`;
  let text = dateTexts.get(key);
  if (text === undefined) {
    if (dateTexts.size >= DATE_TEXTS_MAX) dateTexts.clear();
    text = dateTimeText(d, zone);
    dateTexts.set(key, text);
  }
  return text;
}

/** Collects `* n FETCH (item item ...)\r\n` as pieces, joining adjacent text. */
class LineBuilder {
  private readonly pieces: FetchPiece[] = [];
  private text: string;
  private first = true;

  constructor(seq: number) {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`not an IMAP number: ${seq}`);
    this.text = `* ${seq} FETCH (`;
  }

  item(...pieces: FetchPiece[]): void {
    if (!this.first) this.text += ' ';
    this.first = false;
    for (const p of pieces) {
      if (typeof p === 'string') {
        this.text += p;
        continue;
      }
      if (this.text !== '') this.pieces.push(this.text);
      this.text = '';
      this.pieces.push(p);
    }
  }

  end(): FetchPiece[] {
    this.pieces.push(`${this.text})\r\n`);
    return this.pieces;
  }
}

/**
 * The `* <seq> FETCH (...)` response of one message as pieces, items in the order asked, each once.
 * `cached` holds renderings looked up beforehand; the others are rendered (and cached) from the structure.
 */
export async function fetchResponse(
  seq: number,
  plan: FetchPlan,
  msg: FetchedMessage,
  ic: ItemContext,
  cached: CachedRenderings = {},
): Promise<FetchPiece[]> {
  const { meta } = msg;
  const line = new LineBuilder(seq);
  const flags = (): void => line.item('FLAGS ', ic.view.withRecent(meta.uid, meta.flags));
  // Read from the cache or the store by the command (cachedRenderings, storedRenderings: issue 17 item 2); a message
  // whose stored forms could not be read is answered with NIL data before it gets here.
  const rendering = (item: RenderedItem): Piece => {
    const found = cached[item];
    if (found === undefined) throw new Error(`FETCH ${item} of UID ${meta.uid}: its stored form was not read`);
    return found;
  };
  for (const att of plan.items) {
    switch (att.kind) {
      case 'UID':
        line.item(`UID ${meta.uid}`);
        break;
      case 'FLAGS':
        flags();
        break;
      case 'INTERNALDATE':
        line.item(`INTERNALDATE ${internalDate(meta.internalDate, meta.internalZone)}`);
        break;
      case 'RFC822.SIZE':
        line.item(`RFC822.SIZE ${meta.size}`);
        break;
      case 'MODSEQ':
        break; // not among the items: written once below, with CHANGEDSINCE's implied MODSEQ
      case 'EMAILID':
        line.item(`EMAILID (${meta.emailId})`); // RFC 8474 §5.1
        break;
      case 'THREADID':
        line.item('THREADID NIL'); // RFC 8474 §5.2: no thread ids are kept
        break;
      case 'SAVEDATE':
        line.item(`SAVEDATE ${internalDate(meta.saveDate, serverZone(meta.saveDate))}`); // RFC 8514 §4
        break;
      case 'ENVELOPE':
        line.item(rendering('ENVELOPE'));
        break;
      case 'BODY':
        line.item(rendering('BODY'));
        break;
      case 'BODYSTRUCTURE':
        line.item(rendering('BODYSTRUCTURE'));
        break;
      case 'PREVIEW':
        // RFC 8970 §3: UTF-8 text (a literal unless UTF8=ACCEPT allows it quoted); NIL only under LAZY (§4.2).
        line.item('PREVIEW ', msg.preview === null || msg.preview === undefined ? 'NIL' : string(msg.preview, ic.utf8));
        break;
      default:
        line.item(...(await bodyItem(att, msg)));
    }
  }
  if (ic.flagsChanged && !plan.flags) flags();
  if (plan.modseq || (ic.flagsChanged && ic.condstore)) line.item(`MODSEQ (${meta.modseq})`);
  return line.end();
}

/** Dovecot's stand-ins for a message that is gone (issue 13 item 4): valid syntax, no data. */
const NIL_BODY = '"text" "plain" NIL NIL NIL "7bit" 0 0';
const NIL_ENVELOPE = '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)';

/** The response name of a body item: `BODY[1.HEADER]<0>`, `BINARY.SIZE[2]`, `RFC822.TEXT`. */
function bodyItemName(att: BodyAttribute): string {
  switch (att.kind) {
    case 'BODY[]':
      return `BODY[${sectionText(att.section)}]${att.partial === null ? '' : `<${att.partial.offset}>`}`;
    case 'BINARY[]':
      return `BINARY[${att.section.part.join('.')}]${att.partial === null ? '' : `<${att.partial.offset}>`}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${att.section.part.join('.')}]`;
    default:
      return att.kind;
  }
}

/**
 * `* <seq> FETCH (...)` for a message still in the session's view that another session expunged (issue 13
 * item 4; RFC 2180 §4.1.2, RFC 5530 EXPUNGEISSUED): each item asked for with Dovecot's NIL reply (NIL data,
 * empty FLAGS, the epoch, zero sizes, a NIL ENVELOPE and a text/plain BODY, NIL THREADID and SAVEDATE), the UID
 * where it is known; MODSEQ and EMAILID are not known and left out, and the UID stands in when nothing else is left
 * (a FETCH response is never empty).
 */
export function expungedResponse(seq: number, uid: number, plan: FetchPlan, view: MailboxView): FetchPiece[] {
  const line = new LineBuilder(seq);
  for (const att of plan.items) {
    switch (att.kind) {
      case 'UID':
        line.item(`UID ${uid}`);
        break;
      case 'FLAGS':
        line.item('FLAGS ', view.withRecent(uid, []));
        break;
      case 'INTERNALDATE':
        line.item('INTERNALDATE "01-Jan-1970 00:00:00 +0000"');
        break;
      case 'RFC822.SIZE':
        line.item('RFC822.SIZE 0');
        break;
      case 'MODSEQ':
        break; // never among the items (see planFetch), and not known for a message that is gone
      case 'EMAILID':
        break; // not known for a message that is gone, and RFC 8474 §7's fetch-emailid-resp has no NIL: left out
      case 'THREADID':
      case 'SAVEDATE':
        line.item(`${att.kind} NIL`); // RFC 8474 §7 and RFC 8514 §4 allow NIL
        break;
      case 'ENVELOPE':
        line.item(`ENVELOPE ${NIL_ENVELOPE}`);
        break;
      case 'BODY':
        line.item(`BODY (${NIL_BODY})`);
        break;
      case 'BODYSTRUCTURE':
        line.item(`BODYSTRUCTURE (${NIL_BODY} NIL NIL NIL NIL)`);
        break;
      case 'PREVIEW':
        line.item('PREVIEW NIL');
        break;
      default:
        line.item(`${bodyItemName(att)} ${att.kind === 'BINARY.SIZE' ? '0' : 'NIL'}`);
    }
  }
  if (plan.items.every((a) => a.kind === 'EMAILID')) line.item(`UID ${uid}`);
  return line.end();
}

/** `* <seq> FETCH (<items>)` */
export function fetchLine(seq: number, items: readonly Wire[]): Wire {
  return untagged(number(seq), raw(' FETCH '), list(items));
}
