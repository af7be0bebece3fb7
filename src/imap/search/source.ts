// What SEARCH reads (RFC 9051 §6.4.4; SPEC R7.4): message metadata for the cheap keys, the search fields the
// store keeps per body for FROM/TO/CC/BCC/SUBJECT, Message-ID/In-Reply-To/References and SENT* dates, the msg-id
// index for HEADER <id field> <msg-id>, other header fields read by byte range (the stored MIME structure gives
// the header's extent) and decoded (RFC 2047) in slices that yield to the event loop, so that a scan of a large
// mailbox never stalls other sessions (issue 13 item 7), and the full-text index for BODY/TEXT — each loaded
// only for the candidates still in play, and cached. Many candidates are matched against a kept field or a day
// in SQL over the mailbox (Store.searchKey, issue 14 item 5), in UID slices with a turn of the event loop
// between them (item 6); metadata is read only for the keys that need it.
import { parseFields } from '../../mime/header.js';
import { idNeedle, isSearchFieldName, MAX_SEARCH_HEADER_BYTES, searchValue, type SearchFieldName } from '../../mime/header-search.js';
import { isStoreError } from '../../store/errors.js';
import type { Store } from '../../store/store.js';
import type { MailboxSearchKey, MessageMeta, UidRange, UserId } from '../../store/types.js';
import type { MailboxView } from '../mailbox-view.js';
import type { SearchKey } from '../protocol/types.js';
import type { CalendarDay } from '../protocol/date.js';
import { toRanges } from '../sequence.js';
import { compareDay, dayNumber, fold, valuesMatcher, zonedDay, type DateOp } from './match.js';
import { common, minus, union } from './uid-lists.js';

/**
 * Messages whose header is read and parsed between two turns of the event loop (HEADER of a field the store does
 * not keep): about 65 µs each, so a slice takes a few milliseconds and other sessions are answered between slices.
 */
export const SCAN_SLICE = 64;
/** Header scan slices run so far in this process (observed by tests: a long scan yields many times). */
export const headerScanSlices = { count: 0 };
/**
 * Messages per searchFields call, with a turn of the event loop between calls: reading stored rows costs a few
 * µs each, but rows of an older version (all of them, once, after an upgrade) are recomputed from the header.
 */
const FIELDS_BATCH = 1000;

/**
 * From this many candidates on, a kept field or a day is matched in SQL over the mailbox (the candidates' UID
 * span) rather than by reading each candidate's values; fewer are read one by one.
 */
export const WIDE_MIN = 256;
/** Candidates per SQL slice of a mailbox-wide match: a few milliseconds each, other sessions run between. */
const WIDE_SLICE = 20_000;

/** Messages whose metadata is listed between two turns of the event loop (a few µs each). */
const META_SLICE = 5000;

/** Lets the event loop run I/O (other sessions' commands) before continuing. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface SearchSource {
  /** The session's UIDs in sequence order (for sequence-set and UID-set keys). */
  readonly uids: readonly number[];
  /** The view's messages the store held when the search began (within its ranges), ascending. */
  readonly candidates: readonly number[];
  /** UIDs of the candidates delivered with REQUIRETLS (RFC 8689), from the same snapshot (R3.4). */
  readonly requireTls: readonly number[];
  /** When the search began (ms since the epoch): every OLDER / YOUNGER key of it counts from here (RFC 5032). */
  readonly now: number;
  /** Metadata of these messages, read on first need (flag, size and MODSEQ keys); absent when expunged. */
  metasOf(uids: readonly number[]): Promise<ReadonlyMap<number, MessageMeta>>;
  isRecent(uid: number): boolean;
  // The next three answer in ascending UID order; among UIDs not asked for (within their span) too. Not to be
  // modified: when all of `uids` match, the answer may be `uids` itself.
  /** Those of `uids` (ascending) whose kept field `name` holds the (unfolded) text, as valuesMatcher compares. */
  fieldMatches(uids: readonly number[], name: SearchFieldName, value: string): Promise<readonly number[]>;
  /** Those of `uids` (ascending) that have the flag (case-insensitive), from SQL when many; null: ask their metadata. */
  flagMatches(uids: readonly number[], flag: string): Promise<readonly number[] | null>;
  /** Those of `uids` (ascending) whose sent day or INTERNALDATE's day compares so with `day` (as compareDay). */
  dayMatches(uids: readonly number[], which: 'sent' | 'internal', op: DateOp, day: CalendarDay): Promise<readonly number[]>;
  /** The decoded, lower-cased values of the named header field (any case) of these messages; [] when absent. */
  fieldValues(uids: readonly number[], field: string): Promise<Map<number, string[]>>;
  /** The day of each message's Date: header; the INTERNALDATE's day when it has none that can be read. */
  sentDays(uids: readonly number[]): Promise<Map<number, CalendarDay>>;
  /** UIDs whose decoded body ('body') or header and body ('text') contain the text (the full-text index). */
  textMatches(text: string, where: 'body' | 'text'): Promise<Set<number>>;
  /**
   * HEADER <field> <value> from the msg-id index when the value is one whole `<…>` of an indexed field: the
   * UIDs that match, and those the index cannot answer for (compare their fieldValues). Null otherwise.
   */
  idMatches(field: string, value: string): Promise<{ hits: Set<number>; unsure: Set<number> } | null>;
}

type IdResult = { hits: Set<number>; unsure: Set<number> };

/** What a msg-id index lookup made before the listing found, for the source to reuse. */
export interface IdConfinement {
  /** The view's UIDs the key can match: the index's hits and those it is unsure of, ascending. */
  uids: number[];
  /** The lookup, by idMatches' cache key. */
  seed: Map<string, IdResult>;
}

const idKey = (field: string, token: string): string => `${field}\0${token}`;

/**
 * When `key` is (or is ANDed with) HEADER <msg-id field> <one whole msg-id>, the view's messages it can match,
 * from the index (issue 13 item 7: Thunderbird's lookup after each save lists and reads nothing else); null
 * otherwise.
 */
export async function idConfinement(
  store: Store,
  userId: UserId,
  view: Pick<MailboxView, 'mailboxId' | 'allUids'>,
  key: SearchKey,
): Promise<IdConfinement | null> {
  const keys = key.kind === 'and' ? key.keys : [key];
  for (const k of keys) {
    if (k.kind !== 'header') continue;
    const needle = idNeedle(k.field, k.value);
    if (!needle) continue;
    const found = await store.searchIds(userId, view.mailboxId, needle.field, needle.token);
    const result: IdResult = { hits: new Set(found.hits), unsure: new Set(found.unsure) };
    const uids = view.allUids().filter((u) => result.hits.has(u) || result.unsure.has(u));
    return { uids, seed: new Map([[idKey(needle.field, needle.token), result]]) };
  }
  return null;
}

/**
 * The source for one SEARCH: the candidates are the view's messages (within `ranges` when given) that the
 * store still holds. `ids` seeds the msg-id lookups (idConfinement); `wideMin` and `wideSlice` are WIDE_MIN and
 * WIDE_SLICE but in tests.
 */
export async function searchSource(
  store: Store,
  userId: UserId,
  view: Pick<MailboxView, 'mailboxId' | 'allUids' | 'seqOf' | 'isRecent'>,
  ranges?: readonly UidRange[],
  ids?: ReadonlyMap<string, IdResult>,
  wideMin = WIDE_MIN,
  wideSlice = WIDE_SLICE,
): Promise<SearchSource> {
  const mailboxId = view.mailboxId;
  // Issue 14 item 6: no listing of the mailbox when the view is current. The view holds the UIDs of its opening
  // snapshot, plus arrivals, which a flush appends only above the highest UID it holds, less the expunges it has
  // announced (mailbox-view.ts). The store gives UIDs ascending in the transaction that commits the message (one
  // writer), and the feed publishes in commit order (feed-watcher.ts: this process's commits after catching up
  // on other connections' earlier ones; a catch-up lists arrivals by UID); so a message committed with a UID
  // below one the view holds was announced before it and is held too, unless expunged. Hence the store's
  // messages with a UID up to the view's highest are a subset of the view's, and when there are as many as the
  // view holds, the two are the same: the candidates are the view's messages. Otherwise (an expunge not yet
  // announced to this session: RFC 3501 §7.4.1 holds it back during SEARCH) the store lists its UIDs.
  const held = view.allUids();
  const through = held[held.length - 1] ?? 0;
  const listing = await store.searchListing(userId, mailboxId, ranges, ranges ? undefined : { through, count: held.length });
  const inView = (uid: number): boolean => view.seqOf(uid) > 0;
  const candidates = listing.uids === null ? held : common(listing.uids, held);
  const metas = new Map<number, MessageMeta>();
  /** Values of the other header fields asked for, by lower-case name. */
  const otherCache = new Map<string, Map<number, string[]>>();
  const idCache = new Map<string, IdResult>(ids ?? []);
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
      if (i > 0) await yieldToLoop();
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

  /**
   * The decoded values of a field the store does not keep, read from each served header by byte range, in
   * slices of SCAN_SLICE messages with a turn of the event loop before each; only that field's values are kept.
   */
  async function otherValues(uids: readonly number[], name: string): Promise<Map<number, string[]>> {
    let values = otherCache.get(name);
    if (!values) {
      values = new Map();
      otherCache.set(name, values);
    }
    const todo = uids.filter((u) => !values.has(u));
    for (let i = 0; i < todo.length; i += SCAN_SLICE) {
      await yieldToLoop();
      headerScanSlices.count++;
      const slice = todo.slice(i, i + SCAN_SLICE);
      const structures = await store.messageStructures(userId, mailboxId, slice);
      for (const uid of slice) {
        const s = structures.get(uid);
        if (!s) continue; // expunged meanwhile: it matches no header key
        const length = Math.min(s.prefixLength + s.mime.root.bodyStart, MAX_SEARCH_HEADER_BYTES);
        let header: Buffer;
        try {
          header = await store.readMessage(userId, mailboxId, uid, { offset: 0, length });
        } catch (err) {
          if (!isStoreError(err, 'not-found')) throw err;
          continue;
        }
        const found: string[] = [];
        for (const f of parseFields(header, 0, header.length, MAX_SEARCH_HEADER_BYTES)) if (f.name === name) found.push(searchValue(f.value));
        values.set(uid, found);
      }
    }
    return values;
  }

  async function metasOf(uids: readonly number[]): Promise<ReadonlyMap<number, MessageMeta>> {
    const todo = uids.filter((u) => !metas.has(u) && !gone.has(u));
    for (let i = 0; i < todo.length; i += META_SLICE) {
      if (i > 0) await yieldToLoop();
      const slice = todo.slice(i, i + META_SLICE);
      for (const m of await store.listMessages(userId, mailboxId, toRanges(slice))) metas.set(m.uid, m);
      for (const uid of slice) if (!metas.has(uid)) gone.add(uid);
    }
    return metas;
  }

  /**
   * The store's answer for `key` over the UID span of `uids` (ascending), slice by slice, both lists ascending
   * (the unsure ones among `uids` only); null when few. When every one of `uids` matched, `hits` is `uids`
   * itself: copying or merging 100,000 UIDs costs milliseconds.
   */
  async function wide(uids: readonly number[], key: MailboxSearchKey): Promise<{ hits: readonly number[]; unsure: number[] } | null> {
    if (uids.length < wideMin) return null;
    const parts: Array<readonly number[]> = [];
    let unsure: number[] = [];
    let all = true;
    for (let i = 0; i < uids.length; i += wideSlice) {
      if (i > 0) await yieldToLoop();
      const end = Math.min(i + wideSlice, uids.length);
      const found = await store.searchKey(userId, mailboxId, key, { from: uids[i]!, to: uids[end - 1]! });
      if (found.unsure.length > 0) unsure = unsure.concat(found.unsure);
      if (!found.except) {
        all = false;
        parts.push(found.hits);
        if (found.rest === true) break; // it answered for the later slices too
        continue;
      }
      // Most of the span matched: the store named the others (sure misses); an unsure one is neither (issue 14 item 6).
      const slice = uids.slice(i, end);
      const drop = union(found.hits, found.unsure);
      if (drop.length === 0) parts.push(slice);
      else {
        all = false;
        parts.push(minus(slice, drop));
      }
    }
    const hits = all ? uids : parts.length === 1 ? parts[0]! : parts.flat();
    return { hits, unsure: unsure.length === 0 ? unsure : common(uids, unsure) };
  }

  async function sentDays(uids: readonly number[]): Promise<Map<number, CalendarDay>> {
    await loadFields(uids, null);
    const internal = await metasOf(uids.filter((u) => sentCache.get(u) === null));
    const out = new Map<number, CalendarDay>();
    for (const uid of uids) {
      const meta = internal.get(uid);
      const day = sentCache.get(uid) ?? (meta ? zonedDay(meta.internalDate, meta.internalZone) : null);
      if (day) out.set(uid, day);
    }
    return out;
  }

  async function fieldValues(uids: readonly number[], field: string): Promise<Map<number, string[]>> {
    const name = field.toLowerCase();
    const out = new Map<number, string[]>();
    if (isSearchFieldName(name)) {
      await loadFields(uids, name);
      const values = valuesOf(name);
      for (const uid of uids) out.set(uid, values.get(uid) ?? []);
    } else {
      const values = await otherValues(uids, name);
      for (const uid of uids) out.set(uid, values.get(uid) ?? []);
    }
    return out;
  }

  return {
    uids: held,
    candidates,
    requireTls: listing.requireTls.filter(inView),
    now: Date.now(),
    metasOf,
    isRecent: (uid) => view.isRecent(uid),
    async fieldMatches(uids, name, value) {
      const matches = valuesMatcher(value);
      const found = await wide(uids, { kind: 'field', field: name, needle: fold(value) });
      const ask = found ? found.unsure : uids;
      const values = await fieldValues(ask, name);
      const more = ask.filter((uid) => matches(values.get(uid) ?? []));
      return found ? union(found.hits, more) : more;
    },
    async flagMatches(uids, flag) {
      if (!/^[\x21-\x7e]+$/.test(flag)) return null; // SQLite lower-cases ASCII only (keywords are atoms)
      const found = await wide(uids, { kind: 'flag', flag });
      return found ? found.hits : null;
    },
    async dayMatches(uids, which, op, day) {
      const found = await wide(uids, { kind: which === 'sent' ? 'sent-day' : 'internal-day', op, day: dayNumber(day) });
      const ask = found ? found.unsure : uids;
      let more: number[];
      if (which === 'sent') {
        const days = await sentDays(ask);
        more = ask.filter((uid) => {
          const d = days.get(uid);
          return d !== undefined && compareDay(d, op, day);
        });
      } else {
        const known = await metasOf(ask);
        more = ask.filter((uid) => {
          const meta = known.get(uid);
          return meta !== undefined && compareDay(zonedDay(meta.internalDate, meta.internalZone), op, day); // issue 13 item 6
        });
      }
      return found ? (more.length === 0 ? found.hits : union(found.hits, more)) : more;
    },
    fieldValues,
    async idMatches(field, value) {
      const needle = idNeedle(field, value);
      if (!needle) return null;
      const key = idKey(needle.field, needle.token);
      let found = idCache.get(key);
      if (!found) {
        const { hits, unsure } = await store.searchIds(userId, mailboxId, needle.field, needle.token);
        found = { hits: new Set(hits), unsure: new Set(unsure) };
        idCache.set(key, found);
      }
      return found;
    },
    sentDays,
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
