// Framing reader fed byte chunks: a line (bounded length), exactly N bytes (IMAP literals, BDAT), or a
// dot-terminated DATA body (RFC 5321 §4.5.2 transparency, §4.1.1.4). Socket-independent. SPEC R11.1, R11.2, R5.2.
import { BodyTooLargeError, ConnectionClosedError, LineTooLongError } from './errors.js';
import { type DotScan, newDotScan, scanDotChunk } from './dot-body.js';

const LF = 0x0a;
const CR = 0x0d;

export interface LineReaderOptions {
  /** push() returns false once this many unread bytes are queued; the feeder should pause (default 64 KiB). */
  highWaterMark?: number;
  /** Called when the queue falls below highWaterMark again after push() returned false. */
  onDrain?: () => void;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

interface LineOp extends Waiter<Buffer> {
  kind: 'line';
  maxLength: number;
  parts: Buffer[];
  size: number;
  discarding: boolean;
  discarded: number;
  /** While discarding: the last discarded byte was CR (not counted if it turns out to precede the LF). */
  endsCr: boolean;
}

interface BytesOp extends Waiter<Buffer> {
  kind: 'bytes';
  n: number;
  parts: Buffer[];
  size: number;
  /** Takes the bytes as they arrive instead of `parts` (the result is then empty). */
  sink: ((buf: Buffer) => void) | null;
}

interface DotOp extends Waiter<Buffer> {
  kind: 'dot';
  scan: DotScan;
}

type Op = LineOp | BytesOp | DotOp;

function checkLimit(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}`);
}

export class LineReader {
  private chunks: Buffer[] = [];
  private head = 0;
  private queued = 0;
  private op: Op | null = null;
  private ended = false;
  private closedError: ConnectionClosedError | null = null;
  private wantDrain = false;
  private readonly highWaterMark: number;
  private readonly onDrain: (() => void) | undefined;

  constructor(opts: LineReaderOptions = {}) {
    this.highWaterMark = opts.highWaterMark ?? 64 * 1024;
    checkLimit('highWaterMark', this.highWaterMark, 1);
    this.onDrain = opts.onDrain;
  }

  /** Unread bytes held by the reader (not counting the partial result of a pending read). */
  get bufferedLength(): number {
    return this.queued;
  }

  /** Every byte the reader holds: unread bytes plus the partial result of the pending read. */
  get heldLength(): number {
    const op = this.op;
    if (op === null) return this.queued;
    if (op.kind === 'dot') return this.queued + (op.scan.overflow || op.scan.sink !== null ? 0 : op.scan.size);
    return this.queued + (op.kind === 'bytes' && op.sink !== null ? 0 : op.size);
  }

  /** True once destroy() was called: every read rejects with ConnectionClosedError. */
  get destroyed(): boolean {
    return this.closedError !== null;
  }

  /** Feeds bytes. Returns false when the caller should pause its source until onDrain. */
  push(chunk: Buffer): boolean {
    if (this.closedError !== null || this.ended || chunk.length === 0) return true;
    this.chunks.push(chunk);
    this.queued += chunk.length;
    this.pump();
    if (this.queued >= this.highWaterMark) {
      this.wantDrain = true;
      return false;
    }
    return true;
  }

  /** The peer sent EOF: buffered bytes stay readable, then reads reject with ConnectionClosedError. */
  end(): void {
    this.ended = true;
    this.pump();
  }

  /** Retires the reader: drops buffered bytes, rejects the pending and every later read. */
  destroy(reason = 'connection closed'): void {
    if (this.closedError !== null) return;
    this.closedError = new ConnectionClosedError(reason);
    this.discardBuffered();
    const op = this.op;
    this.op = null;
    op?.reject(this.closedError);
  }

  /** Drops every buffered unread byte and returns how many there were (R5.2). */
  discardBuffered(): number {
    const n = this.queued;
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
    this.drained();
    return n;
  }

  /**
   * Removes and returns every buffered unread byte, in order, for a layer placed under the reader (COMPRESS,
   * RFC 4978 §3: what the client sent after the command is compressed and goes through the inflater first).
   */
  takeBuffered(): Buffer[] {
    const taken = this.chunks.slice(this.head);
    this.discardBuffered();
    return taken;
  }

  /** Reads one line, decoded as UTF-8, without its CRLF or bare LF terminator. */
  async readLine(opts: { maxLength: number }): Promise<string> {
    return (await this.readLineBuffer(opts)).toString('utf8');
  }

  /** Reads one line as bytes, without its terminator. Over maxLength: LineTooLongError after its line end. */
  readLineBuffer(opts: { maxLength: number }): Promise<Buffer> {
    checkLimit('maxLength', opts.maxLength, 0);
    return this.start<Buffer>((w) => ({
      kind: 'line',
      maxLength: opts.maxLength,
      parts: [],
      size: 0,
      discarding: false,
      discarded: 0,
      endsCr: false,
      ...w,
    }));
  }

  /** Reads exactly n bytes (an IMAP literal, a BDAT chunk). The caller bounds n. */
  readBytes(n: number): Promise<Buffer> {
    checkLimit('n', n, 0);
    return this.start<Buffer>((w) => ({ kind: 'bytes', n, parts: [], size: 0, sink: null, ...w }));
  }

  /** Reads exactly n bytes into `sink` as they arrive, holding none of them (issue 12 item 13: large bodies). */
  async readBytesTo(n: number, sink: (buf: Buffer) => void): Promise<void> {
    checkLimit('n', n, 0);
    await this.start<Buffer>((w) => ({ kind: 'bytes', n, parts: [], size: 0, sink, ...w }));
  }

  /**
   * Reads a DATA body up to its "." line: dot-unstuffed, bare LF turned into CRLF, other bytes exact; the
   * result is empty or ends with CRLF. Over maxBytes: reads on to the terminator, then BodyTooLargeError.
   */
  readDotBody(opts: { maxBytes: number }): Promise<Buffer> {
    checkLimit('maxBytes', opts.maxBytes, 0);
    return this.start<Buffer>((w) => ({ kind: 'dot', scan: newDotScan(opts.maxBytes), ...w }));
  }

  /**
   * readDotBody with the body written into `sink` as it arrives instead of held (issue 12 item 13); resolves with
   * its size. Over maxBytes: the sink stops being fed, the rest is read to the terminator, then BodyTooLargeError.
   */
  async readDotBodyTo(opts: { maxBytes: number; sink: (buf: Buffer) => void }): Promise<number> {
    checkLimit('maxBytes', opts.maxBytes, 0);
    const scan = newDotScan(opts.maxBytes, opts.sink);
    await this.start<Buffer>((w) => ({ kind: 'dot', scan, ...w }));
    return scan.size;
  }

  private start<T>(make: (w: Waiter<T>) => Op): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closedError !== null) return reject(this.closedError);
      if (this.op !== null) return reject(new Error('LineReader: a read is already pending'));
      this.op = make({ resolve, reject } as Waiter<T>);
      this.pump();
    });
  }

  private pump(): void {
    while (this.op !== null && this.queued > 0) {
      const chunk = this.chunks[this.head];
      if (chunk === undefined) break;
      const used = this.step(this.op, chunk);
      this.consume(chunk, used);
    }
    if (this.op !== null && this.queued === 0 && this.ended) {
      const op = this.op;
      this.op = null;
      op.reject(new ConnectionClosedError());
    }
    this.drained();
  }

  private consume(chunk: Buffer, used: number): void {
    this.queued -= used;
    if (used < chunk.length) {
      this.chunks[this.head] = chunk.subarray(used);
      return;
    }
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  private drained(): void {
    if (this.wantDrain && this.queued < this.highWaterMark) {
      this.wantDrain = false;
      if (this.onDrain !== undefined) queueMicrotask(this.onDrain);
    }
  }

  /** Feeds a chunk to the pending op; returns how many bytes it consumed and settles the op when done. */
  private step(op: Op, chunk: Buffer): number {
    switch (op.kind) {
      case 'line':
        return this.stepLine(op, chunk);
      case 'bytes': {
        const take = Math.min(chunk.length, op.n - op.size);
        if (op.sink !== null) op.sink(chunk.subarray(0, take));
        else op.parts.push(chunk.subarray(0, take));
        op.size += take;
        if (op.size === op.n) this.settle(op, null, Buffer.concat(op.parts, op.size));
        return take;
      }
      case 'dot': {
        const r = scanDotChunk(op.scan, chunk);
        if (r.done) {
          const s = op.scan;
          if (s.overflow) this.settle(op, new BodyTooLargeError(s.maxBytes, s.size), null);
          else this.settle(op, null, Buffer.concat(s.parts, s.size));
        }
        return r.used;
      }
    }
  }

  private stepLine(op: LineOp, chunk: Buffer): number {
    const lf = chunk.indexOf(LF);
    const end = lf === -1 ? chunk.length : lf;
    if (op.discarding) {
      op.discarded += end;
    } else if (op.size + end > op.maxLength + 1) {
      // One byte of slack for the CR of a CRLF; beyond that nothing more is kept (bounded buffering).
      op.discarding = true;
      op.discarded = op.size + end;
      op.parts = [];
      op.size = 0;
    } else if (end > 0) {
      op.parts.push(chunk.subarray(0, end));
      op.size += end;
    }
    if (op.discarding && end > 0) op.endsCr = chunk[end - 1] === CR;
    if (lf === -1) return chunk.length;
    if (op.discarding) {
      this.settle(op, new LineTooLongError(op.maxLength, op.discarded - (op.endsCr ? 1 : 0)), null);
      return lf + 1;
    }
    let line = Buffer.concat(op.parts, op.size);
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    if (line.length > op.maxLength) this.settle(op, new LineTooLongError(op.maxLength, line.length), null);
    else this.settle(op, null, line);
    return lf + 1;
  }

  private settle(op: Op, err: Error | null, value: Buffer | null): void {
    if (this.op === op) this.op = null;
    if (err !== null) op.reject(err);
    else op.resolve(value ?? Buffer.alloc(0));
  }
}
