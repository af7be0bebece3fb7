// Spooling of incoming message bodies (issue 12 item 13, SPEC R11.2): a body is kept in memory while it is small
// and moves to a file of its own (mode 0600, in the spool directory under the data directory) once it is not,
// through a bounded buffer, so that the memory a message costs while it arrives does not grow with its size.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Bodies up to this many octets stay in memory (the fast path of the many small messages). */
export const DEFAULT_SMALL_BODY_BYTES = 256 * 1024;
/** Octets gathered before each write to the file. */
const WRITE_BYTES = 256 * 1024;

/** A received body: in memory, or in a spool file that the holder must release(). */
export type SpooledBody = { kind: 'memory'; bytes: Buffer } | { kind: 'file'; path: string; size: number; release(): void };

/** The spool directory: made (0700) and emptied at start, one file per large body in flight. */
export class Spool {
  constructor(
    readonly dir: string,
    readonly smallBodyBytes = DEFAULT_SMALL_BODY_BYTES,
  ) {}

  /** Creates the directory (0700) and removes files left by an earlier run (they belong to no transaction). */
  prepare(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.msg')) rmSync(join(this.dir, name), { force: true });
    }
  }

  /** A writer for one body; with `crlf`, bare LF is written as CRLF (R1.6, for BDAT). */
  writer(opts: { crlf?: boolean } = {}): SpoolWriter {
    return new SpoolWriter(this, opts.crlf === true);
  }
}

/**
 * Collects one body. write() never throws (it runs inside the socket reader): a file error is kept and
 * reported by finish(). Holds at most max(smallBodyBytes, WRITE_BYTES) octets in memory. Once the body goes to
 * its file, the octets pass through one reused buffer of WRITE_BYTES: no allocation per piece received, so a
 * large body leaves no garbage behind it for the collector to catch up with (issue 17 item 4).
 */
export class SpoolWriter {
  private chunks: Buffer[] = [];
  private held = 0;
  /** The reused write buffer of file mode; `held` octets of it are pending. */
  private pending: Buffer | null = null;
  private size = 0;
  private fd: number | null = null;
  private path: string | null = null;
  private error: Error | null = null;
  private done = false;

  /** Takes the next bytes of the body (a copy is kept; callers pass views of socket buffers they reuse). */
  readonly write: (buf: Buffer) => void;

  constructor(
    private readonly spool: Spool,
    crlf: boolean,
  ) {
    this.write = crlf ? crlfSink(this.put) : this.put;
  }

  /** Octets written so far. */
  get length(): number {
    return this.size;
  }

  private readonly put = (buf: Buffer): void => {
    if (this.done || buf.length === 0) return;
    this.size += buf.length;
    if (this.error !== null) return;
    if (this.pending !== null) {
      this.fill(buf);
      return;
    }
    this.chunks.push(Buffer.from(buf));
    this.held += buf.length;
    if (this.size <= this.spool.smallBodyBytes) return;
    // Past the small size: what is held goes to the file, the rest through the reused buffer.
    this.writeOut(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.held));
    this.chunks = [];
    this.held = 0;
    this.pending = Buffer.allocUnsafe(WRITE_BYTES);
  };

  /** Copies into the reused buffer, writing it out each time it is full. */
  private fill(buf: Buffer): void {
    const pending = this.pending!;
    for (let from = 0; from < buf.length && this.error === null; ) {
      const n = buf.copy(pending, this.held, from);
      this.held += n;
      from += n;
      if (this.held === pending.length) this.flush();
    }
  }

  /** Writes the pending octets of file mode. */
  private flush(): void {
    if (this.pending !== null && this.held > 0) this.writeOut(this.pending.subarray(0, this.held));
    this.held = 0;
  }

  private writeOut(data: Buffer): void {
    if (this.error !== null) return;
    try {
      if (this.fd === null) {
        const path = join(this.spool.dir, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}.msg`);
        this.fd = openSync(path, 'wx', 0o600);
        this.path = path;
      }
      for (let off = 0; off < data.length; ) off += writeSync(this.fd, data, off);
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
    }
  }

  /** The body as received; throws when the spool file could not be written. */
  finish(): SpooledBody {
    if (this.done) throw new Error('spool: finish() called twice');
    this.done = true;
    if (this.fd === null && this.error === null) {
      const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.held);
      this.chunks = [];
      return { kind: 'memory', bytes };
    }
    this.flush();
    this.pending = null;
    this.closeFile();
    if (this.error !== null) {
      this.discard();
      throw this.error;
    }
    const path = this.path!;
    return { kind: 'file', path, size: this.size, release: () => removeFile(path) };
  }

  /** Drops everything received (a refused or abandoned body); nothing once finish() has handed it over. */
  discard(): void {
    if (this.done) return;
    this.done = true;
    this.chunks = [];
    this.held = 0;
    this.pending = null;
    this.closeFile();
    if (this.path !== null) removeFile(this.path);
    this.path = null;
  }

  private closeFile(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed: nothing to release
    }
    this.fd = null;
  }
}

/** The first `length` octets of a file (fewer when it is shorter): what is read of a spooled body's header. */
export function readHead(path: string, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  const fd = openSync(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

const CR = 0x0d;
const LF = 0x0a;
const CR_LF = Buffer.from([CR, LF]);

/**
 * A sink that turns each bare LF into CRLF (R1.6: what BDAT and APPEND-like callers store) before passing the
 * bytes on; a CR at the end of one piece pairs with an LF at the start of the next.
 */
export function crlfSink(sink: (buf: Buffer) => void): (buf: Buffer) => void {
  let prevCr = false;
  return (buf) => {
    let from = 0;
    for (let i = buf.indexOf(LF); i >= 0; i = buf.indexOf(LF, i + 1)) {
      const crBefore = i > 0 ? buf[i - 1] === CR : prevCr;
      if (crBefore) continue;
      if (i > from) sink(buf.subarray(from, i));
      sink(CR_LF);
      from = i + 1;
    }
    if (from < buf.length) sink(buf.subarray(from));
    if (buf.length > 0) prevCr = buf[buf.length - 1] === CR;
  };
}
