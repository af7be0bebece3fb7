// TLS over loopback (R5.1, R5.2, R5.4, R5.5): implicit TLS, STARTTLS injection discarded, client
// certificate identities (verified / unverified), TLS 1.1 refused, certificate reload.
import { describe, it, expect, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { startListener, type Listener } from '../../../src/net/listener.js';
import { TlsContextHolder } from '../../../src/tls/context.js';
import { writeCertificateSet, writePair } from '../../../src/tls/certificate-files.js';
import { createCa, generateSelfSigned, issueClientCertificate } from '../../../src/tls/certificates.js';
import { connectTcp, connectTls, echoSession } from './echo-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-tls-'));
const set = writeCertificateSet(dir, {
  hostName: 'localhost',
  clientUsers: [{ user: 'alice', email: 'alice@example.org' }],
});
const alice = set.clients[0]!;
const stranger = issueClientCertificate(createCa({ commonName: 'Other CA' }), {
  user: 'mallory',
  email: 'alice@example.org',
});
const live = { certFile: join(dir, 'live.crt'), keyFile: join(dir, 'live.key'), clientCaFile: set.ca.certFile };
copyFileSync(set.server.certFile, live.certFile);
copyFileSync(set.server.keyFile, live.keyFile);
const logs: string[] = [];
const log = (o: object, m?: string): void => void logs.push(`${m ?? ''} ${JSON.stringify(o)}`);
const logger = { info: log, warn: log, error: log };
const holder = new TlsContextHolder(live, logger);
const seen: string[] = [];
const listeners: Listener[] = [];

async function listen(implicit: boolean): Promise<Listener> {
  const l = await startListener({
    name: implicit ? 'echos' : 'echo',
    endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    implicitTls: implicit ? holder.provider : undefined,
    maxConnections: 20,
    maxConnectionsPerIp: 20,
    onConnection: echoSession(holder.provider, seen),
    onRefuse: () => '-ERR busy',
    logger,
    handshakeTimeoutMs: 3000,
  });
  listeners.push(l);
  return l;
}

afterAll(async () => {
  for (const l of listeners) await l.close({ graceMs: 0 });
  rmSync(dir, { recursive: true, force: true });
});

const ca = readFileSync(set.ca.certFile);

describe('TLS', () => {
  it('implicit TLS serves with a certificate the CA verifies', async () => {
    const l = await listen(true);
    const c = await connectTls(l.port!, { ca, servername: 'localhost' });
    expect((c.socket as TLSSocket).authorized).toBe(true);
    expect(await c.line()).toBe('+OK ready');
    c.write('WHO\r\n');
    expect(await c.line()).toBe('+OK TLSv1.3 unverified');
    c.destroy();
  });

  it('STARTTLS discards bytes sent with the command and gives a fresh reader (R5.2)', async () => {
    const l = await listen(false);
    const c = await connectTcp(l.port!);
    expect(await c.line()).toBe('+OK ready');
    c.write('WHO\r\n');
    expect(await c.line()).toBe('+OK plain');
    seen.length = 0;
    c.write('STARTTLS\r\nINJECTED\r\n');
    expect(await c.line()).toBe('+OK begin TLS');
    const t = await c.startTls({ ca, servername: 'localhost' });
    t.write('WHO\r\nafter\r\n');
    expect(await t.line()).toBe('+OK TLSv1.3 unverified');
    expect(await t.line()).toBe('ECHO after');
    expect(seen).toEqual(['STARTTLS', 'WHO', 'after']);
    expect(logs.some((x) => x.includes('discarded bytes') && x.includes('"dropped":10'))).toBe(true);
    t.write('QUIT\r\n');
    expect(await t.line()).toBe('+OK bye');
  });

  it('reports a client certificate from the CA as a verified identity', async () => {
    const l = await listen(true);
    const c = await connectTls(l.port!, {
      ca,
      servername: 'localhost',
      cert: readFileSync(alice.certFile),
      key: readFileSync(alice.keyFile),
    });
    expect(await c.line()).toBe('+OK ready');
    c.write('WHO\r\n');
    expect(await c.line()).toBe('+OK TLSv1.3 alice@example.org cn=alice');
    c.destroy();
  });

  it('reports a certificate from another CA as unverified, and the connection still works', async () => {
    const l = await listen(false);
    const c = await connectTcp(l.port!);
    expect(await c.line()).toBe('+OK ready');
    c.write('STARTTLS\r\n');
    expect(await c.line()).toBe('+OK begin TLS');
    const t = await c.startTls({ ca, servername: 'localhost', cert: stranger.certPem, key: stranger.keyPem });
    t.write('WHO\r\nping\r\n');
    expect(await t.line()).toBe('+OK TLSv1.3 unverified');
    expect(await t.line()).toBe('ECHO ping');
    t.destroy();
  });

  it('TLS 1.2 works; a TLS 1.1 client is refused and the listener carries on', async () => {
    const l = await listen(true);
    const c12 = await connectTls(l.port!, { ca, servername: 'localhost', maxVersion: 'TLSv1.2' });
    expect(await c12.line()).toBe('+OK ready');
    c12.write('WHO\r\n');
    expect(await c12.line()).toBe('+OK TLSv1.2 unverified');
    c12.destroy();
    const err = await connectTls(l.port!, {
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    }).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(String(err?.code ?? err?.message)).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|VERSION/i);
    for (let i = 0; i < 50 && !logs.some((x) => x.includes('TLS handshake failed')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(logs.some((x) => x.includes('TLS handshake failed'))).toBe(true);
    const again = await connectTls(l.port!, { ca, servername: 'localhost' });
    expect(await again.line()).toBe('+OK ready');
    again.destroy();
  });

  it('garbage instead of a ClientHello is logged and closed, never a crash', async () => {
    const l = await listen(true);
    const c = await connectTcp(l.port!);
    c.write('GET / HTTP/1.0\r\n\r\n');
    expect(await c.line()).toBeNull();
  });

  it('reload() switches the certificate served to new connections', async () => {
    const l = await listen(true);
    const before = await connectTls(l.port!, { rejectUnauthorized: false });
    const fpBefore = (before.socket as TLSSocket).getPeerCertificate().fingerprint256;
    expect(fpBefore).toBe(set.server.fingerprint256);
    const next = writePair(join(dir, 'next'), 'server', generateSelfSigned({ hostName: 'localhost' }));
    copyFileSync(next.certFile, live.certFile);
    copyFileSync(next.keyFile, live.keyFile);
    expect(holder.reload().ok).toBe(true);
    const after = await connectTls(l.port!, { rejectUnauthorized: false });
    expect((after.socket as TLSSocket).getPeerCertificate().fingerprint256).toBe(next.fingerprint256);
    before.write('ping\r\n');
    expect(await before.line()).toBe('+OK ready');
    expect(await before.line()).toBe('ECHO ping');
    const plain = await listen(false);
    const s = await connectTcp(plain.port!);
    expect(await s.line()).toBe('+OK ready');
    s.write('STARTTLS\r\n');
    expect(await s.line()).toBe('+OK begin TLS');
    const t = await s.startTls({ rejectUnauthorized: false });
    expect((t.socket as TLSSocket).getPeerCertificate().fingerprint256).toBe(next.fingerprint256);
    before.destroy();
    after.destroy();
    t.destroy();
  });
});
