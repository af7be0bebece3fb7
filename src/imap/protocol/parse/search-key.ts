// search-key (RFC 9051 §6.4.4 and §9, RFC 3501 §6.4.4 for RECENT/NEW/OLD, RFC 7162 §3.1.5 MODSEQ,
// RFC 5032 §4 "OLDER" SP interval / "YOUNGER" SP interval, interval = nz-number of seconds; RFC 8474 §7
// "EMAILID" SP objectid / "THREADID" SP objectid; RFC 8514 §5 "SAVEDBEFORE" / "SAVEDON" / "SAVEDSINCE" SP date /
// "SAVEDATESUPPORTED"):
//   "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date / "BODY" SP astring / ... / "NOT" SP search-key /
//   "OR" SP search-key SP search-key / sequence-set / "(" search-key *(SP search-key) ")"
// Recursion (NOT, OR, parentheses) is bounded by the reader's depth limit (R11.1).
import { searchDate } from '../date.js';
import { modSequence, type Reader } from '../reader.js';
import { atSequenceSet, sequenceSet } from '../sequence-set.js';
import type { SearchKey } from '../types.js';

/** How the search strings' octets become text for the command's CHARSET (search.ts decides). */
export type DecodeString = (data: Buffer, what: string) => string;

const FLAGS = new Map<string, [string, boolean]>([
  ['ANSWERED', ['\\Answered', true]],
  ['UNANSWERED', ['\\Answered', false]],
  ['DELETED', ['\\Deleted', true]],
  ['UNDELETED', ['\\Deleted', false]],
  ['DRAFT', ['\\Draft', true]],
  ['UNDRAFT', ['\\Draft', false]],
  ['FLAGGED', ['\\Flagged', true]],
  ['UNFLAGGED', ['\\Flagged', false]],
  ['SEEN', ['\\Seen', true]],
  ['UNSEEN', ['\\Seen', false]],
]);

const HEADERS = new Map([
  ['BCC', 'Bcc'],
  ['CC', 'Cc'],
  ['FROM', 'From'],
  ['SUBJECT', 'Subject'],
  ['TO', 'To'],
]);

const DATES = new Map<string, ['internal' | 'sent' | 'saved', 'before' | 'on' | 'since']>([
  ['BEFORE', ['internal', 'before']],
  ['ON', ['internal', 'on']],
  ['SINCE', ['internal', 'since']],
  ['SENTBEFORE', ['sent', 'before']],
  ['SENTON', ['sent', 'on']],
  ['SENTSINCE', ['sent', 'since']],
  ['SAVEDBEFORE', ['saved', 'before']], // RFC 8514 §4.3
  ['SAVEDON', ['saved', 'on']],
  ['SAVEDSINCE', ['saved', 'since']],
]);

/** RFC 8474 §4: objectid = 1*255(ALPHA / DIGIT / "_" / "-"). */
function isObjectIdChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

function objectId(r: Reader): string {
  const id = r.run(isObjectIdChar, 'objectid');
  if (id.length > 255) r.fail('objectid longer than 255 characters');
  return id;
}

const WITH_ARGUMENTS = new Set(['KEYWORD', 'UNKEYWORD', 'HEADER', 'BODY', 'TEXT', 'LARGER', 'SMALLER', 'UID', 'NOT', 'OR', 'MODSEQ', 'OLDER', 'YOUNGER', 'EMAILID', 'THREADID']);

/** A list of keys means all of them (RFC 9051 §6.4.4); one key stands for itself. */
export function conjunction(keys: SearchKey[]): SearchKey {
  return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
}

export function searchKey(r: Reader, decode: DecodeString): SearchKey {
  r.enter();
  const key = readKey(r, decode);
  r.leave();
  return key;
}

function readKey(r: Reader, decode: DecodeString): SearchKey {
  if (r.peek() === 0x28) {
    r.pos += 1;
    const keys = [searchKey(r, decode)];
    while (r.peek() === 0x20) {
      r.sp();
      keys.push(searchKey(r, decode));
    }
    r.expect(')');
    return conjunction(keys);
  }
  if (atSequenceSet(r)) return { kind: 'seq', set: sequenceSet(r) };
  const name = r.keyword('search key');
  switch (name) {
    case 'ALL':
    case 'NEW':
    case 'OLD':
    case 'RECENT':
    case 'SAVEDATESUPPORTED':
      return { kind: name };
  }
  const flag = FLAGS.get(name);
  if (flag) return { kind: 'flag', flag: flag[0], set: flag[1] };
  if (!HEADERS.has(name) && !DATES.has(name) && !WITH_ARGUMENTS.has(name)) r.unknown('search key', name);
  r.sp();
  const header = HEADERS.get(name);
  if (header) return { kind: 'header', field: header, value: decode(r.astring(name), name) };
  const date = DATES.get(name);
  if (date) return { kind: 'date', which: date[0], op: date[1], date: searchDate(r) };
  switch (name) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { kind: 'flag', flag: r.atom('keyword'), set: name === 'KEYWORD' };
    case 'HEADER': {
      const field = decode(r.astring('header field name'), 'header field name');
      r.sp();
      return { kind: 'header', field, value: decode(r.astring('HEADER value'), 'HEADER value') };
    }
    case 'BODY':
    case 'TEXT':
      return { kind: name, value: decode(r.astring(name), name) };
    case 'LARGER':
    case 'SMALLER':
      return { kind: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', n: r.number(Number.MAX_SAFE_INTEGER, 'size') };
    case 'UID':
      return { kind: 'uid', set: sequenceSet(r) };
    case 'NOT':
      return { kind: 'not', key: searchKey(r, decode) };
    case 'OR': {
      const a = searchKey(r, decode);
      r.sp();
      return { kind: 'or', a, b: searchKey(r, decode) };
    }
    case 'MODSEQ':
      return modseq(r);
    case 'OLDER':
    case 'YOUNGER':
      return { kind: 'within', op: name === 'OLDER' ? 'older' : 'younger', seconds: r.nzNumber(undefined, 'interval') };
    case 'EMAILID':
    case 'THREADID':
      return { kind: name, id: objectId(r) };
    default:
      return r.unknown('search key', name); // unreachable: WITH_ARGUMENTS lists the cases
  }
}

/** "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162 §3.1.5); the entry is ignored. */
function modseq(r: Reader): SearchKey {
  if (r.peek() === 0x22) {
    const entry = r.quoted().toString('latin1');
    if (!/^\/flags\/\\?[^\s\\()"{%*\]]+$/i.test(entry)) r.fail('Expected "/flags/<flag>" as the MODSEQ entry name');
    r.sp();
    const type = r.keyword('entry type');
    if (type !== 'PRIV' && type !== 'SHARED' && type !== 'ALL') r.fail('Expected priv, shared or all');
    r.sp();
  }
  return { kind: 'MODSEQ', modseq: modSequence(r, 'mod-sequence') };
}
