// Test helper: runs a script of reads against a LineReader fed an input in given chunks, and records
// each result or typed error, so that every chunking of the same input can be compared.
import { LineReader } from '../../../src/net/line-reader.js';

export type ReadOp = { line: number } | { bytes: number } | { dot: number };
export type Outcome = string;

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const e = err as Error & { discarded?: number; received?: number };
    if (e.name === 'LineTooLongError') return `LineTooLongError(${e.discarded ?? '?'})`;
    if (e.name === 'BodyTooLargeError') return `BodyTooLargeError(${e.received ?? '?'})`;
    if (e.name === 'ConnectionClosedError') return 'ConnectionClosedError';
    return `UNEXPECTED ${e.name}: ${e.message}`;
  }
  return `UNEXPECTED non-error ${String(err)}`;
}

async function runOp(reader: LineReader, op: ReadOp): Promise<Outcome> {
  try {
    if ('line' in op) return 'line:' + (await reader.readLineBuffer({ maxLength: op.line })).toString('latin1');
    if ('bytes' in op) return 'bytes:' + (await reader.readBytes(op.bytes)).toString('latin1');
    return 'dot:' + (await reader.readDotBody({ maxBytes: op.dot })).toString('latin1');
  } catch (err) {
    return describeError(err);
  }
}

/** Splits input at the given cut positions. */
export function splitAt(input: Buffer, cuts: number[]): Buffer[] {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < input.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of sorted) {
    out.push(input.subarray(prev, c));
    prev = c;
  }
  out.push(input.subarray(prev));
  return out;
}

/** All chunks pushed first, then EOF, then the reads run. */
export async function runQueued(chunks: Buffer[], ops: ReadOp[]): Promise<Outcome[]> {
  const reader = new LineReader({ highWaterMark: 1 << 30 });
  for (const c of chunks) reader.push(c);
  reader.end();
  const out: Outcome[] = [];
  for (const op of ops) {
    const r = await runOp(reader, op);
    out.push(r);
    if (r === 'ConnectionClosedError') break;
  }
  return out;
}

/** Reads issued first; chunks arrive one per macrotask while reads are pending; then EOF. */
export async function runInterleaved(chunks: Buffer[], ops: ReadOp[]): Promise<Outcome[]> {
  const reader = new LineReader({ highWaterMark: 1 << 30 });
  const out: Outcome[] = [];
  const runner = (async () => {
    for (const op of ops) {
      const r = await runOp(reader, op);
      out.push(r);
      if (r === 'ConnectionClosedError') break;
    }
  })();
  for (const c of chunks) {
    reader.push(c);
    await new Promise((r) => setImmediate(r));
  }
  reader.end();
  await runner;
  return out;
}
