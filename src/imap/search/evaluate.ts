// The SEARCH key tree evaluated over a candidate set (RFC 9051 §6.4.4; RFC 3501 §6.4.4 NEW/OLD/RECENT;
// RFC 7162 §3.1.5 MODSEQ; RFC 5032 WITHIN; RFC 8474 §6 EMAILID, THREADID; RFC 8514 §4.3 SAVED*): keys are applied to sets, cheapest first, each narrowing the candidates that the
// next (dearer) key has to look at; BODY/TEXT only through the full-text index (SPEC R7.4).
import { idNeedle, isSearchFieldName } from '../../mime/header-search.js';
import type { SearchKey } from '../protocol/types.js';
import { resolveSet } from '../sequence.js';
import type { MessageMeta } from '../../store/types.js';
import { serverZone } from '../protocol/date.js';
import { compareDay, valuesMatcher, zonedDay } from './match.js';
import type { SearchSource } from './source.js';
import { common, minus, union } from './uid-lists.js';

/** UIDs, ascending. */
type Uids = number[];

/**
 * Relative cost of a key: 0 metadata and session state, 1 one full-text or msg-id index query, 2 the search
 * fields the store keeps per body (SENT*, FROM, TO, CC, BCC, SUBJECT, HEADER of a msg-id field), 3 reading each
 * header (HEADER of another field).
 * A compound key costs what its dearest part costs.
 */
export function cost(key: SearchKey): number {
  switch (key.kind) {
    case 'BODY':
    case 'TEXT':
      return 1;
    case 'date':
      return key.which === 'sent' ? 2 : 0; // SAVED* and INTERNALDATE: metadata
    case 'header':
      return idNeedle(key.field, key.value) ? 1 : isSearchFieldName(key.field.toLowerCase()) ? 2 : 3;
    case 'not':
      return cost(key.key);
    case 'or':
      return Math.max(cost(key.a), cost(key.b));
    case 'and':
      return key.keys.reduce((max, k) => Math.max(max, cost(k)), 0);
    default:
      return 0;
  }
}

/** The UIDs among `candidates` (ascending, all among `src.candidates`) that match `key`: a sublist of `candidates`. */
export async function evaluate(key: SearchKey, candidates: Uids, src: SearchSource): Promise<Uids> {
  if (candidates.length === 0) return [];
  switch (key.kind) {
    case 'and': {
      // Stable sort: equal costs keep the client's order.
      let current = candidates;
      for (const k of [...key.keys].sort((a, b) => cost(a) - cost(b))) {
        current = await evaluate(k, current, src);
        if (current.length === 0) break;
      }
      return current;
    }
    case 'or': {
      const [first, second] = cost(key.a) <= cost(key.b) ? [key.a, key.b] : [key.b, key.a];
      const a = await evaluate(first, candidates, src);
      return union(a, await evaluate(second, minus(candidates, a), src));
    }
    case 'not': {
      return minus(candidates, await evaluate(key.key, candidates, src));
    }
    case 'BODY':
    case 'TEXT': {
      if (key.value === '') return candidates; // every text contains the empty string
      const hits = await src.textMatches(key.value, key.kind === 'BODY' ? 'body' : 'text');
      return candidates.filter((u) => hits.has(u));
    }
    case 'header': {
      const ids = await src.idMatches(key.field, key.value);
      if (ids) {
        // The index answers for every message but those it is unsure of, whose values are compared as usual.
        const matches = valuesMatcher(key.value);
        const unsure = candidates.filter((u) => ids.unsure.has(u));
        const values = unsure.length > 0 ? await src.fieldValues(unsure, key.field) : new Map<number, string[]>();
        return candidates.filter((u) => (ids.unsure.has(u) ? matches(values.get(u) ?? []) : ids.hits.has(u)));
      }
      const name = key.field.toLowerCase();
      if (isSearchFieldName(name)) {
        return common(candidates, await src.fieldMatches(candidates, name, key.value));
      }
      const matches = valuesMatcher(key.value);
      const values = await src.fieldValues(candidates, key.field);
      return candidates.filter((u) => matches(values.get(u) ?? []));
    }
    case 'date': {
      if (key.which === 'saved') {
        // RFC 8514 §4.3: the day of SAVEDATE, in the zone FETCH SAVEDATE writes it in.
        const metas = await src.metasOf(candidates);
        return candidates.filter((u) => {
          const m = metas.get(u);
          return m !== undefined && compareDay(zonedDay(m.saveDate, serverZone(m.saveDate)), key.op, key.date);
        });
      }
      const hits = await src.dayMatches(candidates, key.which, key.op, key.date); // issue 13 item 6 for INTERNALDATE
      return hits === candidates ? candidates : common(candidates, hits); // all matched: no merge (issue 14 item 6)
    }
    case 'flag': {
      const hits = await src.flagMatches(candidates, key.flag);
      if (hits) return key.set ? common(candidates, hits) : minus(candidates, hits);
      const metas = await src.metasOf(candidates);
      return candidates.filter(cheapPredicate(key, src, metas));
    }
    case 'ALL':
      return candidates; // no per-message test of 100,000 candidates
    default: {
      const metas = needsMeta(key) ? await src.metasOf(candidates) : EMPTY;
      return candidates.filter(cheapPredicate(key, src, metas));
    }
  }
}

type CheapKey = Exclude<SearchKey, { kind: 'and' | 'or' | 'not' | 'BODY' | 'TEXT' | 'header' | 'date' }>;

const EMPTY: ReadonlyMap<number, MessageMeta> = new Map();

/** Whether a key is answered from the messages' metadata (the others from the view alone). */
function needsMeta(key: CheapKey): boolean {
  return key.kind === 'flag' || key.kind === 'NEW' || key.kind === 'size' || key.kind === 'MODSEQ' || key.kind === 'within' || key.kind === 'EMAILID';
}

/**
 * Keys answered from metadata and the session's view, as a per-message predicate. A message expunged since
 * the search began has no metadata: it matches no metadata key.
 */
function cheapPredicate(key: CheapKey, src: SearchSource, metas: ReadonlyMap<number, MessageMeta>): (uid: number) => boolean {
  const has = (uid: number, test: (m: MessageMeta) => boolean): boolean => {
    const m = metas.get(uid);
    return m !== undefined && test(m);
  };
  switch (key.kind) {
    case 'ALL':
      return () => true;
    case 'flag': {
      const wanted = key.flag.toLowerCase();
      return (u) => has(u, (m) => m.flags.some((f) => f.toLowerCase() === wanted) === key.set);
    }
    case 'NEW':
      return (u) => src.isRecent(u) && has(u, (m) => !m.flags.includes('\\Seen'));
    case 'OLD':
      return (u) => !src.isRecent(u);
    case 'RECENT':
      return (u) => src.isRecent(u);
    case 'size':
      return key.op === 'larger' ? (u) => has(u, (m) => m.size > key.n) : (u) => has(u, (m) => m.size < key.n);
    case 'MODSEQ':
      return (u) => has(u, (m) => m.modseq >= key.modseq);
    case 'within': {
      // RFC 5032 §3: YOUNGER n is an INTERNALDATE within the last n seconds, OLDER n one before them: the two
      // split every mailbox, whatever the clock says.
      const cut = src.now - key.seconds * 1000;
      return key.op === 'younger' ? (u) => has(u, (m) => m.internalDate.getTime() >= cut) : (u) => has(u, (m) => m.internalDate.getTime() < cut);
    }
    case 'EMAILID':
      return (u) => has(u, (m) => m.emailId === key.id); // RFC 8474 §6: case-sensitive, exact
    case 'THREADID':
      return () => false; // RFC 8474 §6: no message has a THREADID here (FETCH THREADID is NIL)
    case 'SAVEDATESUPPORTED':
      return () => true; // RFC 8514 §4.3: every mailbox keeps save dates
    case 'seq':
    case 'uid': {
      // Sets in SEARCH select messages; a number beyond the mailbox selects nothing (not a BAD).
      const inSet = new Set(resolveSet(src.uids, key.set, { byUid: key.kind === 'uid', lenient: true }));
      return (u) => inSet.has(u);
    }
    default: {
      const never: never = key;
      return never;
    }
  }
}

/** Whether the key tree uses MODSEQ: the result then carries the highest mod-sequence (RFC 7162 §3.1.5). */
export function usesModseq(key: SearchKey): boolean {
  switch (key.kind) {
    case 'MODSEQ':
      return true;
    case 'not':
      return usesModseq(key.key);
    case 'or':
      return usesModseq(key.a) || usesModseq(key.b);
    case 'and':
      return key.keys.some(usesModseq);
    default:
      return false;
  }
}

/**
 * UIDs a top-level UID or sequence-set key confines the search to (so that only those rows are listed), or
 * null when the key does not confine it.
 */
export function confiningUids(key: SearchKey, uids: readonly number[]): number[] | null {
  if (key.kind === 'uid' || key.kind === 'seq') return resolveSet(uids, key.set, { byUid: key.kind === 'uid', lenient: true });
  if (key.kind !== 'and') return null;
  for (const k of key.keys) {
    const confined = confiningUids(k, uids);
    if (confined) return confined;
  }
  return null;
}
