// WriteCoalescer (SPEC R12 FETCH throughput, R11.2 backpressure): bytes come out in order and unchanged, cut
// at every chunk boundary, large pieces pass without a copy, and a caller waits while the sink (a real
// socket behind a Connection) is full, so memory stays bounded for a client that does not read.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../src/net/connection.js';
import { WriteCoalescer, type Piece } from '../../../src/net/write-coalescer.js';

const bytesOf = (p: Piece): Buffer => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p);

/** A sink that records what it was given and resolves at once. */
function recorder(): { chunks: Buffer[]; sink: (b: Buffer) => Promise<void> } {
  const chunks: Buffer[] = [];
  return { chunks, sink: async (b) => void chunks.push(Buffer.from(b)) };
}

/** Deterministic pieces: text and buffers of every length from 0 to max, in a scrambled order. */
function pieces(count: number, max: number, seed: number): Piece[] {
  let x = seed;
  const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, i) => {
    const n = next() % (max + 1);
    if (i % 3 === 0) return String.fromCharCode(...Array.from({ length: n }, (_, k) => 0x20 + ((k + i) % 0xdf))); // latin1 text
    return Buffer.from(Array.from({ length: n }, (_, k) => (k * 7 + i) & 0xff));
  });
}

describe('WriteCoalescer', () => {
  it('writes every byte in order, cutting exactly at each chunk boundary, for every chunk size', async () => {
    for (const chunkBytes of [1, 2, 3, 5, 7, 16, 64, 100]) {
      for (const seed of [1, 2, 3]) {
        const input = pieces(60, 40, seed * chunkBytes);
        const { chunks, sink } = recorder();
        const c = new WriteCoalescer(sink, { chunkBytes, directBytes: Number.MAX_SAFE_INTEGER });
        for (const p of input) await c.push(p);
        await c.flush();
        expect(Buffer.concat(chunks)).toEqual(Buffer.concat(input.map(bytesOf)));
        const last = chunks.pop();
        for (const chunk of chunks) expect(chunk.length).toBe(chunkBytes);
        expect(last === undefined || (last.length > 0 && last.length <= chunkBytes)).toBe(true);
        expect(c.buffered).toBe(0);
      }
    }
  });

  it('holds pieces until a chunk is full, then returns the wait of the sink', async () => {
    const { chunks, sink } = recorder();
    const c = new WriteCoalescer(sink, { chunkBytes: 10, directBytes: 10 });
    expect(c.push('abc', Buffer.from('def'))).toBeNull();
    expect(c.buffered).toBe(6);
    expect(chunks).toEqual([]);
    const wait = c.push('ghijk');
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(chunks.map(String)).toEqual(['abcdefghij']);
    expect(c.buffered).toBe(1);
    await c.flush();
    expect(chunks.map(String)).toEqual(['abcdefghij', 'k']);
    await c.flush(); // nothing held: no empty write
    expect(chunks).toHaveLength(2);
  });

  it('hands a large piece over without copying it, after the bytes before it', async () => {
    const given: Buffer[] = [];
    const c = new WriteCoalescer(async (b) => void given.push(b), { chunkBytes: 16, directBytes: 8 });
    const big = Buffer.alloc(20, 0x41);
    const exact = Buffer.alloc(8, 0x42);
    await c.push('* 1 FETCH (', big, ' ', exact, ')\r\n');
    await c.flush();
    expect(given.map(String)).toEqual(['* 1 FETCH (', 'A'.repeat(20), ' ', 'B'.repeat(8), ')\r\n']);
    expect(given[1]).toBe(big); // the same buffer, not a copy
    expect(given[3]).toBe(exact);
  });

  it('writes text as latin1 octets, one octet per character', async () => {
    const { chunks, sink } = recorder();
    const c = new WriteCoalescer(sink, { chunkBytes: 4 });
    await c.push('\u00e9\u00ff\u0080x', 'yz');
    await c.flush();
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0xe9, 0xff, 0x80, 0x78, 0x79, 0x7a]));
  });

  it('does not resolve a wait before the sink does (the caller stops producing)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const c = new WriteCoalescer(() => gate, { chunkBytes: 4 });
    const wait = c.push('12345');
    expect(wait).not.toBeNull();
    let done = false;
    void wait!.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    release();
    await wait;
    expect(done).toBe(true);
  });
});

describe('WriteCoalescer over a Connection to a client that does not read', () => {
  let server: Server | null = null;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    sockets.length = 0;
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  it('waits for drain while the socket is full, keeps the queue bounded, and delivers every byte once read', async () => {
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer((s) => resolve(s));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server!.address() as { port: number }).port;
    const client = connect({ port, host: '127.0.0.1' });
    sockets.push(client);
    client.pause(); // a slow reader: nothing is read until resume()
    const raw = await accepted;
    sockets.push(raw);
    const conn = new Connection(raw, { transport: 'tcp' });
    const chunkBytes = 64 * 1024;
    const c = new WriteCoalescer((b) => conn.write(b), { chunkBytes });
    const piece = Buffer.alloc(1000, 0x61);
    const total = 32_000 * piece.length; // far more than the kernel's socket buffers
    let maxQueued = 0;
    let waited = 0;
    const produce = (async () => {
      for (let sent = 0; sent < total; sent += piece.length) {
        const wait = c.push(piece);
        maxQueued = Math.max(maxQueued, raw.writableLength);
        if (wait) {
          const t = Date.now();
          await wait;
          waited = Math.max(waited, Date.now() - t);
        }
      }
      await c.flush();
    })();
    let finished = false;
    void produce.then(() => (finished = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(finished).toBe(false); // blocked: the client reads nothing
    expect(maxQueued).toBeLessThanOrEqual(chunkBytes + raw.writableHighWaterMark);
    let received = 0;
    client.on('data', (d: Buffer) => (received += d.length));
    client.resume();
    await produce;
    expect(waited).toBeGreaterThan(100);
    await new Promise<void>((resolve) => {
      const check = (): void => (received >= total ? resolve() : void setTimeout(check, 10));
      check();
    });
    expect(received).toBe(total);
    expect(maxQueued).toBeLessThanOrEqual(chunkBytes + raw.writableHighWaterMark);
  });
});
