// Connection over real loopback sockets (R5.2, R11.1, R11.2): the old reader is retired by STARTTLS,
// tls-exporter matches the client, handshake deadline, backpressure bounds what a flooding client costs.
import { describe, it, expect, afterAll } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { Connection } from '../../../src/net/connection.js';
import { ConnectionClosedError, TlsHandshakeError } from '../../../src/net/errors.js';
import { loadTlsServerOptions } from '../../../src/tls/context.js';
import { writePair } from '../../../src/tls/certificate-files.js';
import { generateSelfSigned } from '../../../src/tls/certificates.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTcp } from './echo-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-conn-'));
const files = writePair(dir, 'server', generateSelfSigned({ hostName: 'localhost' }));
const tls = loadTlsServerOptions(files);
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A server whose next accepted socket is handed to the test as a Connection. */
async function pair(): Promise<{ conn: Promise<Connection>; port: number }> {
  let accept!: (c: Connection) => void;
  const conn = new Promise<Connection>((r) => (accept = r));
  const server = createServer((s: Socket) => accept(new Connection(s, { transport: 'tcp', readerHighWaterMark: 16 * 1024 })));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { conn, port: typeof addr === 'object' && addr !== null ? addr.port : 0 };
}

describe('Connection', () => {
  it('a deadline survives re-arming the idle timer, and the idle timer does not put it off (R11.2)', async () => {
    const { conn: p, port } = await pair();
    const client = await connectTcp(port);
    const conn = await p;
    conn.setDeadline(400, () => void conn.write('deadline\r\n'));
    conn.setIdleTimeout(60_000, () => void conn.write('idle\r\n')); // re-armed after the deadline was set
    expect(await client.line()).toBe('deadline');
    await conn.whenClosed;
  });

  it('retires the plaintext reader on STARTTLS; tls-exporter matches the client', async () => {
    const { conn: p, port } = await pair();
    const client = await connectTcp(port);
    const conn = await p;
    expect(conn.remoteAddress).toBe('127.0.0.1');
    expect(conn.tls).toBeNull();
    expect(conn.tlsExporter()).toBeNull();
    client.write('STARTTLS\r\nEVIL\r\n');
    const old = conn.reader;
    expect(await old.readLine({ maxLength: 100 })).toBe('STARTTLS');
    const upgraded = conn.upgradeToTls({ tls, response: 'OK go\r\n' });
    await expect(old.readLine({ maxLength: 100 })).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(await client.line()).toBe('OK go');
    const t = await client.startTls({ rejectUnauthorized: false });
    const fresh = await upgraded;
    expect(fresh).toBe(conn.reader);
    expect(fresh).not.toBe(old);
    expect(conn.tls?.protocol).toBe('TLSv1.3');
    expect(conn.tls?.peer).toBeNull();
    const serverBinding = conn.tlsExporter();
    const clientBinding = (t.socket as import('node:tls').TLSSocket).exportKeyingMaterial(
      32,
      'EXPORTER-Channel-Binding',
      Buffer.alloc(0),
    );
    expect(serverBinding?.equals(clientBinding)).toBe(true);
    t.write('hello\r\n');
    expect(await fresh.readLine({ maxLength: 100 })).toBe('hello');
    await expect(conn.upgradeToTls({ tls })).rejects.toThrow(/already active/);
    await conn.write('bye\r\n');
    expect(await t.line()).toBe('bye');
    expect(conn.bytesRead).toBeGreaterThan(0);
    expect(conn.bytesWritten).toBe('OK go\r\nbye\r\n'.length);
    await conn.close();
    expect(conn.closed).toBe(true);
    await conn.write('ignored after close');
  });

  it('a client that never starts the handshake gets a TlsHandshakeError and a closed socket', async () => {
    const { conn: p, port } = await pair();
    const client = await connectTcp(port);
    const conn = await p;
    const err = await conn.upgradeToTls({ tls, handshakeTimeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsHandshakeError);
    expect((err as TlsHandshakeError).code).toBe('ETIMEDOUT');
    expect(await client.line()).toBeNull();
    await conn.whenClosed;
  });

  it('a client flooding without newlines while nothing reads is paused, not buffered', async () => {
    const { conn: p, port } = await pair();
    const client = await connectTcp(port);
    const conn = await p;
    const big = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 64; i++) client.socket.write(big);
    await new Promise((r) => setTimeout(r, 200));
    expect(conn.reader.heldLength).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
    const err = conn.reader.readLine({ maxLength: 1000 }).catch((e: unknown) => e);
    client.socket.write('\r\n');
    expect((await err as Error).name).toBe('LineTooLongError');
    client.destroy();
    await conn.whenClosed;
  });

  it('writes to a peer that is not reading share one drain wait (mbsync pipelining FETCHes of big bodies)', async () => {
    let raw!: Socket;
    let accept!: (c: Connection) => void;
    const accepted = new Promise<Connection>((r) => (accept = r));
    const server = createServer((s: Socket) => {
      raw = s;
      accept(new Connection(s, { transport: 'tcp' }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const client = await connectTcp(typeof addr === 'object' && addr !== null ? addr.port : 0);
    client.socket.pause();
    const conn = await accepted;
    const baseline = raw.listenerCount('close');
    const chunk = Buffer.alloc(64 * 1024, 0x42);
    const writes = Array.from({ length: 400 }, () => conn.write(chunk));
    expect(raw.listenerCount('drain')).toBeLessThanOrEqual(1);
    expect(raw.listenerCount('close')).toBeLessThanOrEqual(baseline + 1);
    client.socket.resume();
    await Promise.all(writes);
    expect(raw.listenerCount('drain')).toBe(0);
    expect(raw.listenerCount('close')).toBe(baseline);
    client.destroy();
    await conn.whenClosed;
  });
});
