// Coalesces many small response pieces into few large socket writes (SPEC R12: one write per FETCH response
// was 13 % of a large FETCH), keeping the backpressure of R11.2: the caller waits whenever a chunk went out.
//
// Pieces are Buffers or latin1 text (IMAP responses are octets; callers pass only ASCII/latin1 strings). Small
// pieces are copied into a chunk of `chunkBytes`; a chunk is handed to the sink when full, split exactly at
// its boundary. A piece of at least `directBytes` (a message body) is handed over as it is, after the bytes
// before it, so it is not copied once more. Memory held here is at most one chunk.

/** A piece of a response: octets, or text whose characters are all below U+0100 (written as latin1). */
export type Piece = Buffer | string;

/** Takes one buffer; resolves when it can take more (a socket's 'drain'). */
export type ChunkSink = (chunk: Buffer) => Promise<void>;

export interface CoalescerOptions {
  /** Size of a write (default 128 KiB). */
  chunkBytes?: number;
  /** Pieces at least this large bypass the copy (default chunkBytes / 4). */
  directBytes?: number;
}

export const DEFAULT_CHUNK_BYTES = 128 * 1024;

export class WriteCoalescer {
  readonly chunkBytes: number;
  readonly directBytes: number;
  private chunk: Buffer;
  private used = 0;
  /** The promise of the last sink call made by the current push() or flush(). */
  private wait: Promise<void> | null = null;

  constructor(
    private readonly sink: ChunkSink,
    opts: CoalescerOptions = {},
  ) {
    this.chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.directBytes = opts.directBytes ?? Math.max(1, Math.floor(this.chunkBytes / 4));
    if (!Number.isSafeInteger(this.chunkBytes) || this.chunkBytes < 1) throw new RangeError('chunkBytes must be a positive integer');
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
  }

  /** Bytes held, not yet handed to the sink. */
  get buffered(): number {
    return this.used;
  }

  /**
   * Appends pieces in order. Returns null when nothing went to the sink; else the promise of the last sink
   * call, which the caller must await before pushing more (that is the backpressure). A socket's 'drain'
   * covers every earlier write too, so the last promise is the one to wait for.
   */
  push(...pieces: Piece[]): Promise<void> | null {
    this.wait = null;
    for (const piece of pieces) {
      if (typeof piece === 'string') this.pushText(piece);
      else this.pushBytes(piece);
    }
    return this.wait;
  }

  /** Hands over whatever is held; resolves when the sink can take more. */
  flush(): Promise<void> {
    this.wait = null;
    this.send();
    return this.wait ?? Promise.resolve();
  }

  private pushText(text: string): void {
    if (text.length > this.chunkBytes - this.used) {
      this.pushBytes(Buffer.from(text, 'latin1'));
      return;
    }
    this.used += this.chunk.write(text, this.used, 'latin1');
    if (this.used === this.chunkBytes) this.send();
  }

  private pushBytes(bytes: Buffer): void {
    if (bytes.length >= this.directBytes) {
      this.send();
      this.emit(bytes);
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, this.chunkBytes - this.used);
      bytes.copy(this.chunk, this.used, offset, offset + n);
      this.used += n;
      offset += n;
      if (this.used === this.chunkBytes) this.send();
    }
  }

  /** Hands the filled part of the chunk to the sink and starts a new chunk (the sink keeps the old one). */
  private send(): void {
    if (this.used === 0) return;
    this.emit(this.used === this.chunkBytes ? this.chunk : this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
  }

  private emit(bytes: Buffer): void {
    if (bytes.length > 0) this.wait = this.sink(bytes);
  }
}
