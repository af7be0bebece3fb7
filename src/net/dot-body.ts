// Incremental scanner for an SMTP/LMTP DATA body: finds the "." terminator line, removes one leading dot
// from other lines (RFC 5321 §4.5.2), turns bare LF into CRLF, keeps other bytes exact. SPEC R1.6, R11.2.
//
// R1.6, RFC 5321 §4.1.1.4: the body ends only on <CRLF>.<CRLF> (the body's start counts as following the
// CRLF of the DATA command). A bare LF is content: it is stored as CRLF but never starts or ends the
// terminator line, so `\n.\n`, `\r\n.\n`, `\n.\r\n` and `\r.\r\n` do not end the body (SMTP smuggling).
// A line that follows a bare LF is still a line for dot-unstuffing, as in Postfix (smtpd_forbid_bare_newline
// = normalize: such lines are processed as if they had ended in CRLF) and Dovecot (istream-dot, strict EOT):
// a client that ends lines with bare LF stuffs them too.

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CR_BUF = Buffer.from([CR]);
const LF_BUF = Buffer.from([LF]);
const CRLF_BUF = Buffer.from([CR, LF]);

/**
 * Where the scanner stands: at a line start after a real CRLF (or the body's start), at a line start after a
 * bare LF (never a terminator), after a leading "." of a CRLF line, after ".\r" there, or inside a line.
 */
type Position = 'start' | 'lf-start' | 'dot' | 'dot-cr' | 'mid';

export interface DotScan {
  readonly maxBytes: number;
  position: Position;
  /** The last byte emitted inside the current line was CR. */
  prevCr: boolean;
  /** Output kept so far (emptied once over maxBytes); unused when a sink takes the output. */
  parts: Buffer[];
  /** Where output goes instead of `parts` (e.g. a spool file, issue 12 item 13); not called once over maxBytes. */
  sink: ((buf: Buffer) => void) | null;
  /** Output bytes produced, kept or not. */
  size: number;
  overflow: boolean;
}

export function newDotScan(maxBytes: number, sink: ((buf: Buffer) => void) | null = null): DotScan {
  return { maxBytes, position: 'start', prevCr: false, parts: [], sink, size: 0, overflow: false };
}

function emit(s: DotScan, buf: Buffer): void {
  if (buf.length === 0) return;
  s.size += buf.length;
  if (s.overflow) return;
  if (s.size > s.maxBytes) {
    s.overflow = true;
    s.parts = [];
    return;
  }
  if (s.sink !== null) s.sink(buf);
  else s.parts.push(buf);
}

/** Scans one chunk. `used` is how many bytes belong to the body (all of them unless `done`). */
export function scanDotChunk(s: DotScan, chunk: Buffer): { used: number; done: boolean } {
  let i = 0;
  while (i < chunk.length) {
    const b = chunk[i] as number;
    switch (s.position) {
      case 'start':
        if (b === DOT) {
          s.position = 'dot';
          i++;
        } else {
          s.position = 'mid';
        }
        break;
      case 'lf-start':
        // R1.6: after a bare LF a "." is unstuffed but never begins the terminator.
        if (b === DOT) i++;
        s.position = 'mid';
        break;
      case 'dot':
        // R1.6: ".\n" after a CRLF is not the terminator: the dot was stuffing, the bare LF content.
        if (b === CR) {
          s.position = 'dot-cr';
          i++;
        } else {
          s.position = 'mid';
        }
        break;
      case 'dot-cr':
        if (b === LF) return { used: i + 1, done: true };
        emit(s, CR_BUF);
        s.prevCr = true;
        s.position = 'mid';
        break;
      case 'mid': {
        const lf = chunk.indexOf(LF, i);
        if (lf === -1) {
          emit(s, chunk.subarray(i));
          s.prevCr = chunk[chunk.length - 1] === CR;
          return { used: chunk.length, done: false };
        }
        emit(s, chunk.subarray(i, lf));
        const crBefore = lf > i ? chunk[lf - 1] === CR : s.prevCr;
        emit(s, crBefore ? LF_BUF : CRLF_BUF);
        s.prevCr = false;
        s.position = crBefore ? 'start' : 'lf-start'; // R1.6: only a real CRLF may precede the terminator
        i = lf + 1;
        break;
      }
    }
  }
  return { used: chunk.length, done: false };
}
