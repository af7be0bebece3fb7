// The base subject of a message (RFC 5256 §2.1, steps 1-6, with the ABNF of §5: subj-trailer, subj-leader,
// subj-blob, subj-refwd, subj-fwd-hdr, subj-fwd-trl), which SORT SUBJECT and THREAD compare, and whether
// extracting it removed a reply or forward marker (THREAD=REFERENCES step 5, ORDEREDSUBJECT). Pure.
import { decodeHeaderValue } from './decode-words.js';

export interface BaseSubject {
  /** The base subject text, upper-cased in ASCII only (the i;ascii-casemap comparator, RFC 5256 §2.1). */
  key: string;
  /** A subj-refwd, a "(fwd)" trailer or a "[fwd: …]" wrapper was removed. */
  isReplyOrForward: boolean;
}

/** subj-blob = "[" *BLOBCHAR "]" *WSP; BLOBCHAR is any character but "[" and "]". */
const BLOB = /^\[[^[\]]*\] */;
/** subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":" (case-insensitive). */
const REFWD = /^(?:re|fwd?) *(?:\[[^[\]]*\] *)?:/i;
/** subj-trailer = "(fwd)" / WSP, at the end. */
const TRAILER = /(?:\(fwd\)| )$/i;

/** Step 3's subj-leader at the start: (*subj-blob subj-refwd) / WSP; its length, or 0. */
function leaderLength(s: string): number {
  if (s.startsWith(' ')) return 1;
  let pos = 0;
  for (;;) {
    const refwd = REFWD.exec(s.slice(pos));
    if (refwd) return pos + refwd[0].length;
    const blob = BLOB.exec(s.slice(pos));
    if (!blob) return 0;
    pos += blob[0].length;
  }
}

/** RFC 5256 §5 subj-base: at least one character that is not WSP. */
const hasBase = (s: string): boolean => /[^ ]/.test(s);

const upperAscii = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

/**
 * The base subject of a Subject: value as written (RFC 2047 words undecoded); `null` when the message has none
 * (its base subject is empty).
 */
export function baseSubject(raw: string | null): BaseSubject {
  if (raw === null) return { key: '', isReplyOrForward: false };
  // Step 1: decode encoded-words; tabs and line continuations become spaces; runs of spaces one.
  let s = decodeHeaderValue(raw).replace(/\r?\n(?=[ \t])/g, '').replace(/[\t\r\n ]+/g, ' ');
  let marked = false;
  for (;;) {
    // Step 2: remove subj-trailers, repeatedly.
    for (let m = TRAILER.exec(s); m; m = TRAILER.exec(s)) {
      if (m[0] !== ' ') marked = true;
      s = s.slice(0, s.length - m[0].length);
    }
    // Steps 3-5: remove subj-leaders, then a subj-blob when a subj-base remains, until neither applies.
    for (let changed = true; changed; ) {
      changed = false;
      for (let n = leaderLength(s); n > 0; n = leaderLength(s)) {
        if (s[0] !== ' ') marked = true;
        s = s.slice(n);
        changed = true;
      }
      const blob = BLOB.exec(s);
      if (blob && hasBase(s.slice(blob[0].length))) {
        s = s.slice(blob[0].length);
        changed = true;
      }
    }
    // Step 6: subj-fwd = "[fwd:" subj-base "]": remove the wrapper and start again at step 2.
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']') && hasBase(s.slice(5, -1))) {
      s = s.slice(5, -1);
      marked = true;
      continue;
    }
    return { key: upperAscii(s), isReplyOrForward: marked };
  }
}
