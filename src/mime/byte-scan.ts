// Byte access for the MIME parser (issue 17 item 4, SPEC R11.2, R12): the same few operations over a message held
// in one Buffer (the many small messages: no copy, no overhead) or over one read a window at a time through an
// injected range reader (a 64 MiB message in a spool file: never held whole). Pure: the reader does any I/O.

/** The operations parse.ts needs; offsets are absolute within the message. */
export interface ByteScan {
  readonly length: number;
  /** The octet at `i`, or undefined outside [0, length). */
  at(i: number): number | undefined;
  /** The first index ≥ `from` where `needle` lies wholly inside [from, end), or -1. */
  indexOf(needle: number | Buffer, from: number, end: number): number;
  /** How many times the octet `byte` occurs in [start, end). */
  count(byte: number, start: number, end: number): number;
  /** Octets [start, end), clamped; callers bound the length (a header, a delimiter line). */
  slice(start: number, end: number): Buffer;
}

function countIn(buf: Buffer, byte: number, start: number, end: number): number {
  let n = 0;
  let pos = buf.indexOf(byte, start);
  while (pos >= 0 && pos < end) {
    n++;
    pos = buf.indexOf(byte, pos + 1);
  }
  return n;
}

/** A message held whole. */
export class BufferScan implements ByteScan {
  constructor(private readonly buf: Buffer) {}

  get length(): number {
    return this.buf.length;
  }

  at(i: number): number | undefined {
    return this.buf[i];
  }

  indexOf(needle: number | Buffer, from: number, end: number): number {
    const hit = this.buf.indexOf(needle, from);
    const len = typeof needle === 'number' ? 1 : needle.length;
    return hit < 0 || hit + len > end ? -1 : hit;
  }

  count(byte: number, start: number, end: number): number {
    return countIn(this.buf, byte, start, end);
  }

  slice(start: number, end: number): Buffer {
    return this.buf.subarray(start, end);
  }
}

/**
 * Reads octets [start, end) of the message (clamped to it). The buffer returned may be reused by the next read
 * (a reader that fills one buffer makes no garbage per window): WindowScan copies what it hands out.
 */
export type RangeReader = (start: number, end: number) => Buffer;

/** Octets per window read. */
export const SCAN_WINDOW_BYTES = 256 * 1024;

/**
 * A message read through `read` one window at a time: at most one window (plus a needle's length of overlap) is
 * held, so the memory a scan costs does not grow with the message.
 */
export class WindowScan implements ByteScan {
  private win: Buffer = Buffer.alloc(0);
  private winStart = 0;

  constructor(
    readonly length: number,
    private readonly read: RangeReader,
    private readonly windowBytes = SCAN_WINDOW_BYTES,
  ) {}

  /** The cached window, moved to start at `pos` unless it holds [pos, pos + need) already. */
  private windowAt(pos: number, need: number): Buffer {
    const inside = pos >= this.winStart && pos + need <= this.winStart + this.win.length;
    if (!inside) {
      this.winStart = pos;
      this.win = this.read(pos, Math.min(this.length, pos + Math.max(need, this.windowBytes)));
    }
    return this.win.subarray(pos - this.winStart);
  }

  at(i: number): number | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.windowAt(i, 1)[0];
  }

  indexOf(needle: number | Buffer, from: number, end: number): number {
    const len = typeof needle === 'number' ? 1 : needle.length;
    const stop = Math.min(end, this.length);
    let pos = Math.max(0, from);
    while (pos + len <= stop) {
      const w = this.windowAt(pos, Math.min(len, stop - pos));
      const view = w.subarray(0, Math.min(w.length, stop - pos));
      const hit = view.indexOf(needle);
      if (hit >= 0) return pos + hit;
      if (pos + view.length >= stop) return -1;
      // The next window overlaps this one by len - 1 octets: a needle across the seam is found there.
      pos += Math.max(1, view.length - len + 1);
    }
    return -1;
  }

  count(byte: number, start: number, end: number): number {
    const stop = Math.min(end, this.length);
    let n = 0;
    for (let pos = Math.max(0, start); pos < stop; ) {
      const w = this.windowAt(pos, 1);
      const k = Math.min(w.length, stop - pos);
      n += countIn(w, byte, 0, k);
      pos += k;
    }
    return n;
  }

  slice(start: number, end: number): Buffer {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    if (to <= from) return Buffer.alloc(0);
    // A copy: the window moves, and the reader may reuse its buffer.
    if (to - from <= this.windowBytes) return Buffer.from(this.windowAt(from, to - from).subarray(0, to - from));
    const out = Buffer.from(this.read(from, to));
    this.win = Buffer.alloc(0); // the read may have overwritten the window's octets
    this.winStart = 0;
    return out;
  }
}
