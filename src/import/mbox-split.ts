// mbox parsing for `postern import mbox` (issue 16 item 1; RFC 4155, and the mboxrd convention). Pure: fed
// chunks, yields messages one at a time, so a large file is never held in memory. A message starts at a line
// beginning "From " (at the start of the file or after an empty line, or any "From " line when none precedes:
// RFC 4155 §2 readers treat each "From " line as a separator); the empty line before the next separator is not
// part of the message. Read as mboxrd: one ">" is removed from every line matching /^>+From / (mboxo files, which
// quote only "From ", read the same way except a line that was ">From " in the original message).

export interface MboxMessage {
  /** The separator line without "From " and line end: "sender asctime-date". */
  fromLine: string;
  /** The message, unquoted, with the line ends of the file. */
  bytes: Buffer;
}

const FROM = Buffer.from('From ');

/** Splits a stream of chunks into lines (each with its LF), holding only the current line. */
export async function* lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl + 1);
      yield carry === null ? piece : Buffer.concat([carry, piece]);
      carry = null;
      from = nl + 1;
    }
    if (from < chunk.length) carry = carry === null ? Buffer.from(chunk.subarray(from)) : Buffer.concat([carry, chunk.subarray(from)]);
  }
  if (carry !== null && carry.length > 0) yield carry;
}

function isBlank(line: Buffer): boolean {
  return line.length === 1 ? line[0] === 10 : line.length === 2 && line[0] === 13 && line[1] === 10;
}

/** mboxrd unquoting: ">From " → "From ", ">>From " → ">From ". */
function unquote(line: Buffer): Buffer {
  let i = 0;
  while (i < line.length && line[i] === 0x3e) i++;
  if (i > 0 && line.subarray(i, i + 5).equals(FROM)) return line.subarray(1);
  return line;
}

export async function* splitMbox(chunks: AsyncIterable<Buffer>): AsyncGenerator<MboxMessage> {
  let fromLine: string | null = null;
  let body: Buffer[] = [];
  let blankPending: Buffer | null = null; // an empty line that ends the message if a separator follows
  const finish = (): MboxMessage | null => (fromLine === null ? null : { fromLine, bytes: Buffer.concat(body) });
  for await (const line of lines(chunks)) {
    if (line.subarray(0, 5).equals(FROM) && (fromLine === null || blankPending !== null || body.length === 0)) {
      const done = finish();
      if (done) yield done;
      fromLine = line.toString('latin1', 5).replace(/\r?\n$/, '');
      body = [];
      blankPending = null;
      continue;
    }
    if (fromLine === null) {
      if (isBlank(line)) continue;
      throw new Error('not an mbox file: it does not start with a "From " line');
    }
    if (blankPending !== null) body.push(blankPending);
    blankPending = null;
    if (isBlank(line)) blankPending = line;
    else body.push(unquote(line));
  }
  const done = finish();
  if (done) yield done;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The date of a "From " line (asctime, "Mon Dec  7 16:06:07 2026", optionally followed or preceded by a zone),
 * taken in the server's local time as mbox writers write it; null when there is none.
 */
export function fromLineDate(fromLine: string): Date | null {
  const m = /(?:^|\s)(?:[A-Z][a-z]{2}\s+)?([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([+-]\d{4}|[A-Z]{3,4})\s+)?(\d{4})(?:\s+([+-]\d{4}))?/.exec(fromLine);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month === -1) return null;
  const zone = m[6]?.match(/^[+-]\d{4}$/) ? m[6] : m[8];
  const [y, d, h, min, s] = [Number(m[7]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0)];
  if (zone !== undefined) {
    const sign = zone[0] === '-' ? -1 : 1;
    const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    return new Date(Date.UTC(y, month, d, h, min, s) - offset * 60_000);
  }
  const date = new Date(y, month, d, h, min, s);
  return Number.isFinite(date.getTime()) ? date : null;
}

/**
 * Flags from the header fields mail readers keep in mbox (Dovecot's mbox format, mutt, Pine): Status (R \Seen;
 * O only "not new"), X-Status (A \Answered, F \Flagged, T \Draft, D \Deleted) and X-Keywords (keywords separated
 * by spaces or commas). Reads only the header block.
 */
export function mboxFlags(message: Buffer): string[] {
  let end = message.indexOf('\n\n');
  const crlfEnd = message.indexOf('\r\n\r\n');
  if (crlfEnd !== -1 && (end === -1 || crlfEnd < end)) end = crlfEnd;
  const header = message.subarray(0, end === -1 ? message.length : end).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const flags = new Set<string>();
  for (const line of header.split(/\r?\n/)) {
    const m = /^(Status|X-Status|X-Keywords):\s*(.*)$/i.exec(line);
    if (!m) continue;
    const field = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (field === 'status' && value.includes('R')) flags.add('\\Seen');
    if (field === 'x-status') {
      for (const [letter, flag] of [['A', '\\Answered'], ['F', '\\Flagged'], ['T', '\\Draft'], ['D', '\\Deleted']] as const) {
        if (value.includes(letter)) flags.add(flag);
      }
    }
    if (field === 'x-keywords') for (const k of value.split(/[\s,]+/)) if (/^[^\s()\]{%*"\\]+$/.test(k)) flags.add(k);
  }
  return [...flags].sort();
}
