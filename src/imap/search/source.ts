// What SEARCH reads (RFC 9051 §6.4.4; SPEC R7.4): message metadata for the cheap keys, the search fields the
// store keeps per body for FROM/TO/CC/BCC/SUBJECT and SENT* dates, other header fields read by byte range (the
// stored MIME structure gives the header's extent) and decoded (RFC 2047), and the full-text index for
// BODY/TEXT — each loaded only for the candidates still in play, and cached.
import { parseFields } from '../../mime/header.js';
import { isSearchFieldName, MAX_SEARCH_HEADER_BYTES, searchValue, type SearchFieldName } from '../../mime/header-search.js';
import { isStoreError } from '../../store/errors.js';
import type { Store } from '../../store/store.js';
import type { MessageMeta, UidRange, UserId } from '../../store/types.js';
import type { MailboxView } from '../mailbox-view.js';
import type { CalendarDay } from '../protocol/date.js';
import { zonedDay } from './match.js';

/** Messages per messageStructures call (other header fields). */
const BATCH = 500;
/** Messages per searchFields call. */
const FIELDS_BATCH = 5000;

export interface SearchSource {
  /** The session's UIDs in sequence order (for sequence-set and UID-set keys). */
  readonly uids: readonly number[];
  /** Metadata of every candidate, by UID. */
  readonly metas: ReadonlyMap<number, MessageMeta>;
  isRecent(uid: number): boolean;
  /** The decoded, lower-cased values of the named header field (any case) of these messages; [] when absent. */
  fieldValues(uids: readonly number[], field: string): Promise<Map<number, string[]>>;
  /** The day of each message's Date: header; the INTERNALDATE's day when it has none that can be read. */
  sentDays(uids: readonly number[]): Promise<Map<number, CalendarDay>>;
  /** UIDs whose decoded body ('body') or header and body ('text') contain the text (the full-text index). */
  textMatches(text: string, where: 'body' | 'text'): Promise<Set<number>>;
}

/** A header field with its value decoded (RFC 2047) and lower-cased for matching. */
interface SearchField {
  /** Lower-case field name. */
  name: string;
  value: string;
}

/**
 * The source for one SEARCH: the candidates are the view's messages (within `ranges` when given) that the
 * store still holds.
 */
export async function searchSource(
  store: Store,
  userId: UserId,
  view: Pick<MailboxView, 'mailboxId' | 'allUids' | 'seqOf' | 'isRecent'>,
  ranges?: readonly UidRange[],
): Promise<SearchSource> {
  const mailboxId = view.mailboxId;
  const metas = new Map<number, MessageMeta>();
  for (const m of await store.listMessages(userId, mailboxId, ranges)) if (view.seqOf(m.uid) > 0) metas.set(m.uid, m);
  /** Octets of each served message's top-level header, trace prefix included. */
  const headerEnds = new Map<number, number>();
  const headerCache = new Map<number, SearchField[]>();
  const sentCache = new Map<number, CalendarDay | null>();
  const valueCache = new Map<SearchFieldName, Map<number, string[]>>();
  /** Messages the store no longer holds. */
  const gone = new Set<number>();
  const textCache = new Map<string, Set<number>>();

  /** The sent days and, with a name, that field's values (the store reads only the columns asked for). */
  async function loadFields(uids: readonly number[], name: SearchFieldName | null): Promise<void> {
    const done: ReadonlyMap<number, unknown> = name === null ? sentCache : valuesOf(name);
    const todo = uids.filter((u) => !done.has(u) && !gone.has(u));
    for (let i = 0; i < todo.length; i += FIELDS_BATCH) {
      const batch = todo.slice(i, i + FIELDS_BATCH);
      const fields = await store.searchFields(userId, mailboxId, batch, name === null ? [] : [name]);
      for (const uid of batch) {
        const f = fields.get(uid);
        if (!f) gone.add(uid);
        else {
          sentCache.set(uid, f.sentDay);
          if (name !== null) valuesOf(name).set(uid, f.values[name] ?? []);
        }
      }
    }
  }

  function valuesOf(name: SearchFieldName): Map<number, string[]> {
    let values = valueCache.get(name);
    if (!values) {
      values = new Map();
      valueCache.set(name, values);
    }
    return values;
  }

  async function loadHeaderEnds(uids: readonly number[]): Promise<void> {
    const todo = uids.filter((u) => !headerEnds.has(u));
    for (let i = 0; i < todo.length; i += BATCH) {
      const structures = await store.messageStructures(userId, mailboxId, todo.slice(i, i + BATCH));
      for (const [uid, s] of structures) headerEnds.set(uid, s.prefixLength + s.mime.root.bodyStart);
    }
  }

  /** Every named field of the served header, read by byte range and decoded (for HEADER of other fields). */
  async function headers(uids: readonly number[]): Promise<Map<number, SearchField[]>> {
    await loadHeaderEnds(uids);
    const out = new Map<number, SearchField[]>();
    for (const uid of uids) {
      let fields = headerCache.get(uid);
      const headerEnd = headerEnds.get(uid);
      if (!fields && headerEnd !== undefined) {
        const length = Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES);
        let header: Buffer;
        try {
          header = await store.readMessage(userId, mailboxId, uid, { offset: 0, length });
        } catch (err) {
          if (!isStoreError(err, 'not-found')) throw err;
          header = Buffer.alloc(0); // expunged meanwhile: it matches no header key
        }
        fields = parseFields(header, 0, header.length, MAX_SEARCH_HEADER_BYTES)
          .filter((f) => f.name !== '')
          .map((f) => ({ name: f.name, value: searchValue(f.value) }));
        headerCache.set(uid, fields);
      }
      out.set(uid, fields ?? []);
    }
    return out;
  }

  return {
    uids: view.allUids(),
    metas,
    isRecent: (uid) => view.isRecent(uid),
    async fieldValues(uids, field) {
      const name = field.toLowerCase();
      const out = new Map<number, string[]>();
      if (isSearchFieldName(name)) {
        await loadFields(uids, name);
        const values = valuesOf(name);
        for (const uid of uids) out.set(uid, values.get(uid) ?? []);
      } else {
        const all = await headers(uids);
        for (const uid of uids) out.set(uid, (all.get(uid) ?? []).filter((f) => f.name === name).map((f) => f.value));
      }
      return out;
    },
    async sentDays(uids) {
      await loadFields(uids, null);
      const out = new Map<number, CalendarDay>();
      for (const uid of uids) {
        const meta = metas.get(uid);
        const day = sentCache.get(uid) ?? (meta ? zonedDay(meta.internalDate, meta.internalZone) : null);
        if (day) out.set(uid, day);
      }
      return out;
    },
    async textMatches(text, where) {
      const key = `${where}\0${text}`;
      let hits = textCache.get(key);
      if (!hits) {
        hits = new Set(await store.searchText(userId, mailboxId, text, where));
        textCache.set(key, hits);
      }
      return hits;
    },
  };
}
