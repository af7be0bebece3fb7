// TLS settings from files and reload (R5.5): a good reload switches, a failed one keeps the old settings.
import { describe, it, expect, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TlsContextHolder, loadTlsServerOptions } from '../../../src/tls/context.js';
import { writePair } from '../../../src/tls/certificate-files.js';
import { createCa, generateSelfSigned } from '../../../src/tls/certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-ctx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS context', () => {
  const a = writePair(join(dir, 'a'), 'server', generateSelfSigned({ hostName: 'a.example' }));
  const b = writePair(join(dir, 'b'), 'server', generateSelfSigned({ hostName: 'b.example' }));
  const live = { certFile: join(dir, 'live.crt'), keyFile: join(dir, 'live.key') };
  copyFileSync(a.certFile, live.certFile);
  copyFileSync(a.keyFile, live.keyFile);

  it('loads without a client CA: no certificate requested', () => {
    const o = loadTlsServerOptions(live);
    expect(o.requestCert).toBe(false);
    expect(o.rejectUnauthorized).toBe(false);
    expect(o.fingerprint256).toBe(a.fingerprint256);
  });

  it('requests (never requires) a client certificate when a client CA is set', () => {
    const ca = writePair(join(dir, 'ca'), 'ca', createCa({ commonName: 'CA' }));
    const o = loadTlsServerOptions({ ...live, clientCaFile: ca.certFile });
    expect(o.requestCert).toBe(true);
    expect(o.rejectUnauthorized).toBe(false);
  });

  it('names the file on errors', () => {
    expect(() => loadTlsServerOptions({ certFile: join(dir, 'nope.crt'), keyFile: live.keyFile })).toThrow(/nope\.crt/);
    expect(() => loadTlsServerOptions({ certFile: a.certFile, keyFile: b.keyFile })).toThrow(/unusable/);
  });

  it('reload switches to new files; a failed reload keeps the previous settings', () => {
    const logs: string[] = [];
    const log = (o: object, m?: string): void => void logs.push(`${m ?? ''} ${JSON.stringify(o)}`);
    const holder = new TlsContextHolder(live, { info: log, warn: log, error: log });
    expect(holder.current.fingerprint256).toBe(a.fingerprint256);
    copyFileSync(b.certFile, live.certFile);
    copyFileSync(b.keyFile, live.keyFile);
    expect(holder.reload()).toEqual({ ok: true, fingerprint256: b.fingerprint256 });
    expect(holder.provider().fingerprint256).toBe(b.fingerprint256);
    writeFileSync(live.certFile, 'garbage');
    const r = holder.reload();
    expect(r.ok).toBe(false);
    expect(holder.current.fingerprint256).toBe(b.fingerprint256);
    expect(logs.some((l) => l.includes('TLS reload failed'))).toBe(true);
  });
});
