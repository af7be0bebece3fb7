// Multi-line POP3 responses (RFC 1939 §3): byte-stuffing of lines that begin with ".", the terminating
// ".CRLF", and the part of a message TOP sends (RFC 1939 §7: the header, the blank line, n body lines).
// Pure and streaming: a message can be stuffed in chunks without holding it whole (SPEC R8.2, R12).

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const TERMINATOR = Buffer.from('.\r\n', 'latin1');
const CRLF_TERMINATOR = Buffer.from('\r\n.\r\n', 'latin1');

/**
 * Byte-stuffs a message fed in chunks: each line that begins with "." gets one more "." (RFC 1939 §3).
 * The other bytes pass unchanged, so the client undoes the stuffing and gets exactly the stored octets.
 */
export class DotStuffer {
  private atLineStart = true;
  private lastByte: number | null = null;

  /** The stuffed form of the next chunk of the message. */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const parts: Buffer[] = [];
    let from = 0;
    if (this.atLineStart && chunk[0] === DOT) parts.push(Buffer.from('.', 'latin1'));
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
      if (chunk[lf + 1] === DOT) {
        parts.push(chunk.subarray(from, lf + 1), Buffer.from('.', 'latin1'));
        from = lf + 1;
      }
    }
    parts.push(chunk.subarray(from));
    this.lastByte = chunk[chunk.length - 1] ?? null;
    this.atLineStart = this.lastByte === LF;
    return parts.length === 1 ? chunk : Buffer.concat(parts);
  }

  /** The terminator: ".CRLF", after a CRLF of our own when the message did not end with a line end. */
  end(): Buffer {
    return this.lastByte === null || this.lastByte === LF ? TERMINATOR : CRLF_TERMINATOR;
  }
}

/** A whole multi-line body, stuffed and terminated (for small responses: LIST, UIDL, CAPA, TOP). */
export function stuffAll(data: Buffer): Buffer {
  const s = new DotStuffer();
  const body = s.push(data);
  return Buffer.concat([body, s.end()]);
}

/**
 * RFC 1939 §7 TOP over a message fed in chunks: passes the header, the blank line and `lines` body lines, then
 * nothing. `done` turns true once the cut is reached, so the caller can stop reading the message.
 */
export class TopCutter {
  private inHeader = true;
  private remaining: number;
  /** Bytes of the current line so far (without its LF), and whether that is a lone CR. */
  private lineBytes = 0;
  private lineIsCr = false;
  done = false;

  constructor(lines: number) {
    this.remaining = lines;
  }

  push(chunk: Buffer): Buffer {
    if (this.done) return chunk.subarray(0, 0);
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
      const added = lf - start;
      const blank = this.lineBytes + added === 0 || (this.lineBytes + added === 1 && (added === 1 ? chunk[start] === CR : this.lineIsCr));
      this.lineBytes = 0;
      this.lineIsCr = false;
      start = lf + 1;
      if (this.inHeader) {
        if (!blank) continue;
        this.inHeader = false;
        if (this.remaining > 0) continue;
      } else if (--this.remaining > 0) {
        continue;
      }
      this.done = true;
      return chunk.subarray(0, lf + 1);
    }
    const tail = chunk.length - start;
    if (tail > 0) {
      this.lineIsCr = this.lineBytes === 0 && tail === 1 && chunk[start] === CR;
      this.lineBytes += tail;
    }
    return chunk;
  }
}
