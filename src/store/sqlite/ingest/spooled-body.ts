// A spooled message body read by range in the writer thread (issue 17 item 4, SPEC R11.2, R12): the head held in
// memory, then the rest from its spool file, so that parsing (mime/byte-scan.ts WindowScan) and storing it in
// chunks (body-bytes.ts) cost a window or a chunk at a time, never the message.
import { closeSync, openSync, readSync } from 'node:fs';
import type { FileBody } from '../../types.js';
import type { RangeBody } from '../body-bytes.js';

/** The reused read buffer's least size: a stored chunk or a parser window. */
const SCRATCH_BYTES = 256 * 1024;

/** A FileBody opened for ranged reads; close() releases its descriptor (the file itself is the caller's). */
export class SpooledBody implements RangeBody {
  readonly length: number;
  private fd: number | null = null;
  private scratch: Buffer = Buffer.alloc(0);

  constructor(private readonly body: FileBody) {
    this.length = body.head.length + body.length;
  }

  /**
   * Octets [start, end) of the body (head, then file), clamped; throws when the file is shorter than announced.
   * The buffer is this reader's own and is overwritten by the next read: no garbage per window or chunk, so the
   * process does not grow by the message before the collector runs (issue 17 item 4).
   */
  read(start: number, end: number): Buffer {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    if (this.scratch.length < to - from) this.scratch = Buffer.allocUnsafe(Math.max(to - from, SCRATCH_BYTES));
    const out = this.scratch.subarray(0, to - from);
    const { head } = this.body;
    let filled = from < head.length ? head.copy(out, 0, from, Math.min(to, head.length)) : 0;
    while (filled < out.length) {
      this.fd ??= openSync(this.body.path, 'r');
      // Body octet from + filled lies past the head: at that distance after the body's offset in the file.
      const n = readSync(this.fd, out, filled, out.length - filled, this.body.offset + from + filled - head.length);
      if (n === 0) throw new Error(`spool file ${this.body.path} is shorter than announced`);
      filled += n;
    }
    return out;
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed: nothing to release
    }
    this.fd = null;
  }
}
