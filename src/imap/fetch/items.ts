// FETCH response items for one message (RFC 9051 §6.4.5, §7.5.2; RFC 7162 §3.1.4 MODSEQ): what a request
// needs from the store (the plan), and the `* n FETCH (...)` line built in the order the client asked,
// with UID first for UID FETCH (§6.4.9) and FLAGS added when fetching set \Seen (§6.4.5).
import type { MailboxView } from '../mailbox-view.js';
import { renderBodyBasic, renderBodyStructure } from '../protocol/bodystructure.js';
import { dateTime, list, number, raw, type Wire } from '../protocol/encode.js';
import { renderEnvelope } from '../protocol/envelope.js';
import type { RenderCache, RenderedItem } from './render-cache.js';
import type { FetchAttribute } from '../protocol/types.js';
import { untagged } from '../responses.js';
import { bodyItem, isBodyAttribute, needsStructure, setsSeen, structureOf, type FetchedMessage } from './body-section.js';

export interface FetchPlan {
  attributes: readonly FetchAttribute[];
  /** UID FETCH: the UID item is always included (RFC 9051 §6.4.9). */
  uid: boolean;
  /** MODSEQ asked for, or implied by CHANGEDSINCE (RFC 7162 §3.1.4.1). */
  modseq: boolean;
  /** Some item needs the stored MIME structure (ENVELOPE, BODY, BODYSTRUCTURE, sections). */
  structure: boolean;
  /** Some item sets \Seen implicitly. */
  seen: boolean;
}

export function planFetch(attributes: readonly FetchAttribute[], uid: boolean, changedSince: number | null): FetchPlan {
  const structure = attributes.some(
    (a) => a.kind === 'ENVELOPE' || a.kind === 'BODY' || a.kind === 'BODYSTRUCTURE' || (isBodyAttribute(a) && needsStructure(a)),
  );
  return {
    attributes,
    uid,
    modseq: changedSince !== null || attributes.some((a) => a.kind === 'MODSEQ'),
    structure,
    seen: attributes.some(setsSeen),
  };
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

/** The items of one message, in the order asked; each item appears once. */
export async function messageItems(plan: FetchPlan, msg: FetchedMessage, ic: ItemContext): Promise<Wire[]> {
  const { meta } = msg;
  const items: Wire[] = [];
  const done = new Set<string>();
  const once = (name: string): boolean => {
    if (done.has(name)) return false;
    done.add(name);
    return true;
  };
  const flags = (): Wire => Buffer.concat([raw('FLAGS '), ic.view.withRecent(meta.uid, meta.flags)]);
  const modseq = (): Wire => raw(`MODSEQ (${meta.modseq})`);
  const cached = (item: RenderedItem, render: () => Wire): Wire =>
    ic.cache.get(meta.bodyId, item, ic.utf8, () => Buffer.concat([raw(`${item} `), render()]));
  if (plan.uid && once('UID')) items.push(Buffer.concat([raw('UID '), number(meta.uid)]));
  for (const att of plan.attributes) {
    switch (att.kind) {
      case 'UID':
        if (once('UID')) items.push(Buffer.concat([raw('UID '), number(meta.uid)]));
        break;
      case 'FLAGS':
        if (once('FLAGS')) items.push(flags());
        break;
      case 'INTERNALDATE':
        if (once('INTERNALDATE')) items.push(Buffer.concat([raw('INTERNALDATE '), dateTime(meta.internalDate)]));
        break;
      case 'RFC822.SIZE':
        if (once('RFC822.SIZE')) items.push(Buffer.concat([raw('RFC822.SIZE '), number(meta.size)]));
        break;
      case 'MODSEQ':
        break; // written once below, with CHANGEDSINCE's implied MODSEQ
      case 'ENVELOPE':
        if (once('ENVELOPE')) items.push(cached('ENVELOPE', () => renderEnvelope(structureOf(msg).mime.envelope, ic.utf8)));
        break;
      case 'BODY':
        if (once('BODY')) items.push(cached('BODY', () => renderBodyBasic(structureOf(msg).mime.root, ic.utf8)));
        break;
      case 'BODYSTRUCTURE':
        if (once('BODYSTRUCTURE')) items.push(cached('BODYSTRUCTURE', () => renderBodyStructure(structureOf(msg).mime.root, ic.utf8)));
        break;
      default:
        if (once(JSON.stringify(att))) items.push(await bodyItem(att, msg));
    }
  }
  if (ic.flagsChanged && once('FLAGS')) items.push(flags());
  if (plan.modseq || (ic.flagsChanged && ic.condstore)) items.push(modseq());
  return items;
}

/** `* <seq> FETCH (<items>)` */
export function fetchLine(seq: number, items: readonly Wire[]): Wire {
  return untagged(number(seq), raw(' FETCH '), list(items));
}
