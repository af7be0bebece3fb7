// Certificate generation with node-forge (R5.5) and the local CA for client certificates (R5.4).
import { describe, it, expect, afterAll } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCa,
  generateSelfSigned,
  issueClientCertificate,
  issueServerCertificate,
} from '../../../src/tls/certificates.js';
import {
  ensureServerCertificate,
  loadCa,
  writeCertificateSet,
  writeClientCertificate,
} from '../../../src/tls/certificate-files.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'postern-cert-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('generateSelfSigned', () => {
  it('covers the host name, localhost and loopback addresses, and is self-signed RSA 2048', () => {
    const started = Date.now();
    const c = generateSelfSigned({ hostName: 'mail.example.org', days: 30 });
    expect(Date.now() - started).toBeLessThan(10_000);
    const x = new X509Certificate(c.certPem);
    expect(x.subjectAltName).toContain('DNS:mail.example.org');
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x.subjectAltName).toMatch(/IP Address:0:0:0:0:0:0:0:1|IP Address:::1/);
    expect(x.checkHost('mail.example.org')).toBe('mail.example.org');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.ca).toBe(false);
    expect(x.fingerprint256).toBe(c.fingerprint256);
    expect(x.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(createPrivateKey(c.keyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x.checkPrivateKey(createPrivateKey(c.keyPem))).toBe(true);
    const days = (new Date(x.validTo).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(31);
  });

  it('accepts an IP literal host and refuses garbage host names', () => {
    expect(new X509Certificate(generateSelfSigned({ hostName: '192.0.2.7' }).certPem).checkIP('192.0.2.7')).toBe(
      '192.0.2.7',
    );
    expect(() => generateSelfSigned({ hostName: 'bad host\r\n' })).toThrow(/invalid host name/);
    expect(() => generateSelfSigned({ hostName: '' })).toThrow(/invalid host name/);
  });
});

describe('local CA', () => {
  const ca = createCa({ commonName: 'Test CA' });
  const caX = new X509Certificate(ca.certPem);

  it('is a CA', () => {
    expect(caX.ca).toBe(true);
    expect(caX.verify(caX.publicKey)).toBe(true);
  });

  it('issues server certificates it signed', () => {
    const s = new X509Certificate(issueServerCertificate(ca, 'imap.example.org').certPem);
    expect(s.checkIssued(caX)).toBe(true);
    expect(s.verify(caX.publicKey)).toBe(true);
    expect(s.checkHost('imap.example.org')).toBe('imap.example.org');
  });

  it('issues client certificates with CN = user, SAN email, clientAuth', () => {
    const c = issueClientCertificate(ca, { user: 'alice', email: 'alice@example.org' });
    const x = new X509Certificate(c.certPem);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.subject).toContain('CN=alice');
    expect(x.subjectAltName).toBe('email:alice@example.org');
    expect(x.keyUsage).toContain('1.3.6.1.5.5.7.3.2');
    expect(x.checkEmail('alice@example.org')).toBe('alice@example.org');
  });

  it('refuses unsafe user names and emails', () => {
    expect(() => issueClientCertificate(ca, { user: '../x', email: 'a@b.c' })).toThrow(/user name/);
    expect(() => issueClientCertificate(ca, { user: 'bob', email: 'not an email' })).toThrow(/email/);
  });
});

describe('certificate files', () => {
  it('ensureServerCertificate generates once with a 0600 key, then reuses', () => {
    const dir = join(tempDir(), 'certs');
    const first = ensureServerCertificate(dir, 'mail.example.org');
    expect(first.generated).toBe(true);
    expect(statSync(first.keyFile).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(readFileSync(first.certFile)).fingerprint256).toBe(first.fingerprint256);
    const second = ensureServerCertificate(dir, 'mail.example.org');
    expect(second).toEqual({ ...first, generated: false });
  });

  it('ensureServerCertificate refuses a lone certificate or key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'server.crt'), 'x');
    expect(() => ensureServerCertificate(dir, 'h.example')).toThrow(/server\.key is missing/);
  });

  it('writeCertificateSet writes a CA, a server and client certificates, never overwriting', () => {
    const dir = tempDir();
    const set = writeCertificateSet(dir, {
      hostName: 'localhost',
      clientUsers: [{ user: 'alice', email: 'alice@example.org' }],
    });
    const caX = new X509Certificate(readFileSync(set.ca.certFile));
    expect(new X509Certificate(readFileSync(set.server.certFile)).checkIssued(caX)).toBe(true);
    expect(set.clients).toHaveLength(1);
    const client = set.clients[0]!;
    expect(client.certFile).toBe(join(dir, 'client-alice.crt'));
    expect(statSync(client.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(set.ca.keyFile).mode & 0o777).toBe(0o600);
    expect(() => writeCertificateSet(dir, { hostName: 'localhost' })).toThrow(/EEXIST/);
    const ca = loadCa(dir);
    expect(ca.fingerprint256).toBe(set.ca.fingerprint256);
    const bob = writeClientCertificate(dir, ca, { user: 'bob', email: 'bob@example.org' });
    expect(new X509Certificate(readFileSync(bob.certFile)).checkIssued(caX)).toBe(true);
  });
});
