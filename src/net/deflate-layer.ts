// COMPRESS=DEFLATE under a connection (RFC 4978 §3, §4, R11.2): raw deflate both ways with node's zlib. Input is
// inflated in bounded chunks with backpressure (socket → inflater → line reader), so a decompression bomb meets
// the reader's line and literal limits, never memory; output is deflated and sync-flushed once per burst of
// writes (every write made in one turn of the event loop), so the client is never left waiting for a response
// held back in the compressor.
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

/** Bytes of one inflated (or deflated) chunk: the most the inflater produces before it waits for the reader. */
export const DEFLATE_CHUNK_BYTES = 16 * 1024;

export interface DeflateLayerOptions {
  /** Receives inflated client bytes; returns false when the caller must wait for resumeInput(). */
  deliver(chunk: Buffer): boolean;
  /** Compressed server bytes for the socket; returns false when the socket's buffer is full (resumeOutput()). */
  emit(chunk: Buffer): boolean;
  /** The client's stream ended (after every inflated byte was delivered). */
  ended(): void;
  /** The client's stream is not valid deflate data: the connection must go. */
  failed(err: Error): void;
  /** Pause / resume the socket's reading (the inflater's input buffer is full / has room again). */
  pauseSocket(): void;
  resumeSocket(): void;
}

export class DeflateLayer {
  private readonly inflater: InflateRaw;
  private readonly deflater: DeflateRaw;
  private flushScheduled = false;
  private writableWait: Promise<void> | null = null;

  constructor(private readonly opts: DeflateLayerOptions) {
    this.inflater = createInflateRaw({ chunkSize: DEFLATE_CHUNK_BYTES });
    // RFC 4978 §4: the sender may pick any level; 6 (zlib's default) is what Dovecot and most clients use.
    this.deflater = createDeflateRaw({ chunkSize: DEFLATE_CHUNK_BYTES });
    this.inflater.on('data', (chunk: Buffer) => {
      if (!opts.deliver(chunk)) this.inflater.pause();
    });
    this.inflater.on('drain', () => opts.resumeSocket());
    this.inflater.on('end', () => opts.ended());
    this.inflater.on('error', (err) => opts.failed(err));
    this.deflater.on('data', (chunk: Buffer) => {
      if (!opts.emit(chunk)) this.deflater.pause();
    });
    this.deflater.on('error', (err) => opts.failed(err));
  }

  /** Compressed bytes from the client. */
  input(chunk: Buffer): void {
    if (this.inflater.destroyed) return;
    if (!this.inflater.write(chunk)) this.opts.pauseSocket();
  }

  /** The line reader has room again. */
  resumeInput(): void {
    if (!this.inflater.destroyed) this.inflater.resume();
  }

  /** The client sent EOF. */
  endInput(): void {
    if (!this.inflater.destroyed) this.inflater.end();
  }

  /** The socket can take more compressed bytes. */
  resumeOutput(): void {
    if (!this.deflater.destroyed) this.deflater.resume();
  }

  /** Queues server bytes; resolves when the compressor can take more (its input buffer is below its mark). */
  write(data: Buffer): Promise<void> {
    if (this.deflater.destroyed || this.deflater.writableEnded) return Promise.resolve();
    const room = this.deflater.write(data);
    this.scheduleFlush();
    if (room) return Promise.resolve();
    if (this.writableWait === null) {
      this.writableWait = new Promise<void>((resolve) => {
        const done = (): void => {
          this.deflater.off('drain', done);
          this.deflater.off('close', done);
          this.writableWait = null;
          resolve();
        };
        this.deflater.on('drain', done);
        this.deflater.on('close', done);
      });
    }
    return this.writableWait;
  }

  /** Ends the compressed stream (Z_FINISH); resolves once every compressed byte was handed to emit(). */
  finish(): Promise<void> {
    if (this.deflater.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.deflater.once('end', resolve);
      this.deflater.once('close', resolve);
      this.deflater.end();
    });
  }

  destroy(): void {
    this.inflater.destroy();
    this.deflater.destroy();
  }

  /** One Z_SYNC_FLUSH after every write of this turn: the bytes so far reach the client whole. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.deflater.destroyed && !this.deflater.writableEnded) this.deflater.flush(constants.Z_SYNC_FLUSH);
    });
  }
}
