// The ways a header field value may be read by the software downstream of us (SPEC R2.2): as UTF-8 (RFC 8616),
// as latin-1 when it is not valid UTF-8, with RFC 2047 encoded words decoded (RFC 2047 §6.1; Python's email,
// Thunderbird's display), and with Unicode spaces and format characters taken for white space (`trim()`-style
// readers); and the canonical form of an authserv-id for comparisons (NFKC, case folded, RFC 8616 §3).
// Pure; never throws; linear in the value's length.
import { decodeHeaderValue } from '../mime/decode-words.js';
import { fieldValue, type HeaderField } from './header-block.js';

/** Rounds of RFC 2047 decoding applied to a value (a value encoded twice is read once per round). */
export const DECODE_ROUNDS = 3;

/**
 * Most encoded-word openings ("=?") decoded per message, all fields and rounds together; libmime spends ~15 µs
 * on each word of an unknown charset. A value past the budget gets the UNREADABLE reading instead: it errs on
 * the side of removal, never of keeping (R2.2, R11). No Authentication-Results field has a reason to hold one.
 */
export const MAX_ENCODED_WORDS = 2000;

/** What is left of the per-message decoding budget; one per message, shared by its fields. */
export interface DecodeBudget {
  encodedWords: number;
}

export function newDecodeBudget(): DecodeBudget {
  return { encodedWords: MAX_ENCODED_WORDS };
}

/** The reading of a value too costly to decode: it names no authserv-id, so the field's id is undetermined. */
export const UNREADABLE = '';

/** White space to a Unicode-aware reader: White_Space (NBSP, U+2000–U+200A, U+3000, NEL...) and U+001C–U+001F. */
const SPACES = /[\p{White_Space}\u001c-\u001f]/gu;
/** Invisible characters: format (U+200B–U+200D, U+2060, U+FEFF, U+00AD), default-ignorable (U+3164) and controls. */
const INVISIBLE = /(?![\p{White_Space}\u001c-\u001f])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
/** Full stops that IDNA (UTS #46) maps to "." but NFKC does not. */
const FULL_STOPS = /[\u3002\uff0e\uff61]/g;
/** Anything outside printable ASCII: only such values can differ in their Unicode reading. */
const NOT_PRINTABLE_ASCII = /[^\u0020-\u007e]/;

const HAS_INVISIBLE = new RegExp(INVISIBLE.source, 'u');

/**
 * The value with invisible characters removed; a quoted-pair of one (an odd run of backslashes before it) is
 * removed whole, so that the backslash does not escape the next character instead. Linear: each backslash is
 * counted once, in the run before the next invisible character.
 */
function dropInvisible(value: string): string {
  if (!HAS_INVISIBLE.test(value)) return value;
  const parts: string[] = [];
  let from = 0;
  INVISIBLE.lastIndex = 0;
  for (let m = INVISIBLE.exec(value); m !== null; m = INVISIBLE.exec(value)) {
    let run = m.index;
    while (run > from && value.charCodeAt(run - 1) === 0x5c) run -= 1;
    parts.push(value.slice(from, (m.index - run) % 2 === 1 ? m.index - 1 : m.index));
    from = m.index + m[0].length;
  }
  parts.push(value.slice(from));
  return parts.join('');
}

/** A value as a Unicode-aware reader sees it: NFKC, invisible characters dropped, every space an ASCII space. */
export function plainReading(value: string): string {
  if (!NOT_PRINTABLE_ASCII.test(value)) return value;
  return dropInvisible(dropInvisible(value).normalize('NFKC')).replace(SPACES, ' ');
}

/** Takes the value's encoded-word openings from the budget; false (budget untouched) when they do not fit. */
function spend(value: string, budget: DecodeBudget): boolean {
  let count = 0;
  for (let i = value.indexOf('=?'); i >= 0; i = value.indexOf('=?', i + 2)) {
    count += 1;
    if (count > budget.encodedWords) return false;
  }
  budget.encodedWords -= count;
  return true;
}

/**
 * RFC 2047 decoding repeated up to DECODE_ROUNDS times; every distinct intermediate reading is returned
 * (UNREADABLE in place of a decoding not attempted because the value holds too many encoded words).
 */
export function decodedReadings(value: string, budget: DecodeBudget): string[] {
  const out: string[] = [];
  let current = value;
  for (let round = 0; round < DECODE_ROUNDS && current.includes('=?'); round += 1) {
    if (!spend(current, budget)) {
      out.push(UNREADABLE);
      break;
    }
    const next = decodeHeaderValue(current);
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

/** The readings derived from one decoded value: itself, its RFC 2047 decodings, each also in its plain reading. */
function addReadings(value: string, budget: DecodeBudget, seen: Set<string>, out: string[]): void {
  for (const reading of [value, ...decodedReadings(value, budget)]) {
    for (const r of [reading, plainReading(reading)]) {
      if (seen.has(r)) continue;
      seen.add(r);
      out.push(r);
    }
  }
}

/** Every reading of a value already decoded as text worth judging, the value itself first. */
export function valueReadings(value: string, budget: DecodeBudget = newDecodeBudget()): string[] {
  const out: string[] = [];
  addReadings(value, budget, new Set(), out);
  return out;
}

/**
 * Every reading of the field's value worth judging, the UTF-8 one first: UTF-8 and (when the bytes are not
 * valid UTF-8) latin-1, each with its RFC 2047 decodings, each of those also in its plain Unicode reading.
 */
export function fieldReadings(field: HeaderField, budget: DecodeBudget): string[] {
  const utf8 = fieldValue(field);
  const seen = new Set<string>();
  const out: string[] = [];
  addReadings(utf8, budget, seen, out);
  if (utf8.includes('\ufffd')) addReadings(fieldValue(field, 'latin1'), budget, seen, out);
  return out;
}

/**
 * The canonical form of an authserv-id (RFC 8601 §2.5 case-insensitive, RFC 8616 UTF-8): invisible characters
 * and spaces removed (no host name holds one), NFKC (full-width look-alikes become ASCII), ideographic full
 * stops as ".", Unicode case folding (upper then lower case, so "ß" and "SS" agree), trailing root dots dropped.
 */
export function canonicalAuthservId(id: string): string {
  let s = id.replace(INVISIBLE, '').normalize('NFKC').replace(INVISIBLE, '').replace(SPACES, '').replace(FULL_STOPS, '.');
  s = s.toUpperCase().toLowerCase().normalize('NFKC');
  let end = s.length;
  while (end > 0 && s[end - 1] === '.') end -= 1;
  return s.slice(0, end);
}
