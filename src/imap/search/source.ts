// What SEARCH reads (RFC 9051 §6.4.4; SPEC R7.4): message metadata for the cheap keys, the stored MIME
// structure for SENT* dates and the header's extent, header fields read by byte range and decoded (RFC 2047),
// and the full-text index for BODY/TEXT — each loaded only for the candidates still in play, and cached.
import { parseFields } from '../../mime/header.js';
import { decodeHeaderValue } from '../../mime/text.js';
import { isStoreError } from '../../store/errors.js';
import type { Store } from '../../store/store.js';
import type { MessageMeta, UidRange, UserId } from '../../store/types.js';
import type { MailboxView } from '../mailbox-view.js';
import type { CalendarDay } from '../protocol/date.js';
import { fold, sentDay, utcDay, type SearchField } from './match.js';

/** Header octets read per message at most (a header beyond this is not searched further). */
const MAX_HEADER_BYTES = 256 * 1024;
/** Messages per messageStructures call. */
const BATCH = 500;

export interface SearchSource {
  /** The session's UIDs in sequence order (for sequence-set and UID-set keys). */
  readonly uids: readonly number[];
  /** Metadata of every candidate, by UID. */
  readonly metas: ReadonlyMap<number, MessageMeta>;
  isRecent(uid: number): boolean;
  /** Decoded header fields of these messages. */
  headers(uids: readonly number[]): Promise<Map<number, SearchField[]>>;
  /** The day of each message's Date: header; the INTERNALDATE's day when it has none that can be read. */
  sentDays(uids: readonly number[]): Promise<Map<number, CalendarDay>>;
  /** UIDs whose decoded body ('body') or header and body ('text') contain the text (the full-text index). */
  textMatches(text: string, where: 'body' | 'text'): Promise<Set<number>>;
}

interface HeaderInfo {
  /** Octets of the served message's top-level header, trace prefix included. */
  headerEnd: number;
  sent: CalendarDay | null;
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
  const info = new Map<number, HeaderInfo>();
  const headerCache = new Map<number, SearchField[]>();
  const textCache = new Map<string, Set<number>>();

  async function loadInfo(uids: readonly number[]): Promise<void> {
    const todo = uids.filter((u) => !info.has(u));
    for (let i = 0; i < todo.length; i += BATCH) {
      const batch = todo.slice(i, i + BATCH);
      const structures = await store.messageStructures(userId, mailboxId, batch);
      for (const [uid, s] of structures) {
        info.set(uid, { headerEnd: s.prefixLength + s.mime.root.bodyStart, sent: sentDay(s.mime.envelope.date) });
      }
    }
  }

  return {
    uids: view.allUids(),
    metas,
    isRecent: (uid) => view.isRecent(uid),
    async headers(uids) {
      await loadInfo(uids);
      const out = new Map<number, SearchField[]>();
      for (const uid of uids) {
        let fields = headerCache.get(uid);
        const hi = info.get(uid);
        if (!fields && hi) {
          const length = Math.min(hi.headerEnd, MAX_HEADER_BYTES);
          let header: Buffer;
          try {
            header = await store.readMessage(userId, mailboxId, uid, { offset: 0, length });
          } catch (err) {
            if (!isStoreError(err, 'not-found')) throw err;
            header = Buffer.alloc(0); // expunged meanwhile: it matches no header key
          }
          fields = parseFields(header, 0, header.length, MAX_HEADER_BYTES)
            .filter((f) => f.name !== '')
            .map((f) => ({ name: f.name, value: fold(decodeHeaderValue(f.value)) }));
          headerCache.set(uid, fields);
        }
        out.set(uid, fields ?? []);
      }
      return out;
    },
    async sentDays(uids) {
      await loadInfo(uids);
      const out = new Map<number, CalendarDay>();
      for (const uid of uids) {
        const meta = metas.get(uid);
        const day = info.get(uid)?.sent ?? (meta ? utcDay(meta.internalDate) : null);
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
