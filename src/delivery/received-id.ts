// The MTA's queue id from a Received field (RFC 5321 §4.4 Stamp: Opt-info's `ID = CFWS "ID" FWS ( Atom /
// msg-id )`; RFC 5322 §3.6.7), for the delivery log line (issue 16 item 8): Postfix writes
// `by mx.example.org (Postfix) with ESMTPS id 4Xyz1234AbcD`, Dovecot `with LMTP id ...`, Exim `id 1tAbCd-000123-Xy`.
// Pure: one field value in, the id or null out; comments, quoted strings and the date never yield an id.

/** Longest id kept; longer values are not queue ids (and would bloat every delivery line). */
export const MAX_QUEUE_ID_LENGTH = 100;

const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/;
const MSG_ID = /^<[\x21-\x3d\x3f-\x7e]+>$/;
/** Clause keywords of a Received field: the word after one is its value, never a keyword itself. */
const CLAUSES = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

/** The field value with comments removed (nested, with quoted-pairs) and quoted strings kept as one word. */
function words(value: string): string[] {
  const out: string[] = [];
  let word = '';
  let depth = 0;
  const flush = (): void => {
    if (word !== '') out.push(word);
    word = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '(') {
      flush();
      depth = 1;
    } else if (c === '"') {
      // A quoted string (in a `for` path, say) is one word: nothing inside it is a clause.
      let j = i + 1;
      while (j < value.length && value[j] !== '"') j += value[j] === '\\' ? 2 : 1;
      word += value.slice(i, j + 1);
      i = j;
    } else if (c === ';') {
      flush();
      return out; // RFC 5321 §4.4: the date-time follows the semicolon
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') flush();
    else word += c;
  }
  flush();
  return out;
}

/** The `id` clause's value of one Received field value, or null when it has none (or a malformed one). */
export function receivedQueueId(value: string): string | null {
  const w = words(value);
  for (let i = 0; i < w.length - 1; i++) {
    if (w[i]!.toLowerCase() !== 'id') continue;
    const before = i > 0 ? w[i - 1]!.toLowerCase() : null;
    if (before !== null && CLAUSES.has(before)) continue; // `by id`: a host named "id", not the clause
    const id = w[i + 1]!;
    if (id.length > MAX_QUEUE_ID_LENGTH || !(ATOM.test(id) || MSG_ID.test(id))) return null;
    return id;
  }
  return null;
}
