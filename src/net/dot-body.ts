// Incremental scanner for an SMTP/LMTP DATA body: finds the "." terminator line, removes one leading dot
// from other lines (RFC 5321 §4.5.2), turns bare LF into CRLF, keeps other bytes exact. SPEC R1, R11.2.

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CR_BUF = Buffer.from([CR]);
const LF_BUF = Buffer.from([LF]);
const CRLF_BUF = Buffer.from([CR, LF]);

/** Where the scanner stands: at a line start, after a leading ".", after ".\r", or inside a line. */
type Position = 'start' | 'dot' | 'dot-cr' | 'mid';

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
      case 'dot':
        if (b === LF) return { used: i + 1, done: true };
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
        s.position = 'start';
        i = lf + 1;
        break;
      }
    }
  }
  return { used: chunk.length, done: false };
}
