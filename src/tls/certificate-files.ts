// Writing generated certificates to disk (SPEC R5.5, R10.3 `postern cert`): the first-start self-signed
// server certificate, and a local CA with server and client certificates. Keys are written mode 0600,
// existing files are never overwritten unless asked.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from '../files/private-files.js';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import {
  assertClientUser,
  assertHostName,
  createCa,
  generateSelfSigned,
  issueClientCertificate,
  issueServerCertificate,
  type CertificateAndKey,
  type ClientUser,
} from './certificates.js';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  fingerprint256: string;
}

function writeFile(path: string, data: string, mode: number, overwrite: boolean): void {
  writeFileSync(path, data, { mode, flag: overwrite ? 'w' : 'wx' });
  chmodSync(path, mode);
}

/** Writes <base>.crt (0644) and <base>.key (0600) into dir. */
export function writePair(dir: string, base: string, pair: CertificateAndKey, overwrite = false): CertificateFiles {
  ensurePrivateDir(dir);
  const keyFile = join(dir, `${base}.key`);
  const certFile = join(dir, `${base}.crt`);
  writeFile(keyFile, pair.keyPem, 0o600, overwrite);
  writeFile(certFile, pair.certPem, 0o644, overwrite);
  return { certFile, keyFile, fingerprint256: pair.fingerprint256 };
}

/**
 * R5.5: with no certificate configured, makes sure dir holds server.crt / server.key, generating a
 * self-signed pair on first start. Refuses to guess when only one of the two files exists.
 */
export function ensureServerCertificate(
  dir: string,
  hostName: string,
): CertificateFiles & { generated: boolean } {
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  const haveCert = existsSync(certFile);
  const haveKey = existsSync(keyFile);
  if (haveCert && haveKey) {
    const fingerprint256 = new X509Certificate(readFileSync(certFile)).fingerprint256;
    return { certFile, keyFile, fingerprint256, generated: false };
  }
  if (haveCert || haveKey) {
    throw new Error(`${haveCert ? keyFile : certFile} is missing while ${haveCert ? certFile : keyFile} exists`);
  }
  const files = writePair(dir, 'server', generateSelfSigned({ hostName }));
  return { ...files, generated: true };
}

/** Reads ca.crt / ca.key from dir (written by writeCertificateSet). */
export function loadCa(dir: string): CertificateAndKey {
  const certPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const keyPem = readFileSync(join(dir, 'ca.key'), 'utf8');
  return { certPem, keyPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
}

/** Issues a client certificate from the CA and writes client-<user>.crt / .key into dir. */
export function writeClientCertificate(
  dir: string,
  ca: CertificateAndKey,
  u: ClientUser,
  overwrite = false,
): CertificateFiles {
  assertClientUser(u);
  return writePair(dir, `client-${u.user}`, issueClientCertificate(ca, u), overwrite);
}

export interface CertificateSetFiles {
  ca: CertificateFiles;
  server: CertificateFiles;
  clients: Array<CertificateFiles & ClientUser>;
}

/**
 * A whole set for `postern cert`: ca.crt/ca.key, server.crt/server.key issued by that CA, and
 * client-<user>.crt/.key per user. Point tls.clientCa at ca.crt to enable SASL EXTERNAL (R5.4).
 */
export function writeCertificateSet(
  dir: string,
  opts: { hostName: string; clientUsers?: ClientUser[]; overwrite?: boolean },
): CertificateSetFiles {
  assertHostName(opts.hostName);
  const users = opts.clientUsers ?? [];
  for (const u of users) assertClientUser(u);
  if (new Set(users.map((u) => u.user)).size !== users.length) throw new Error('duplicate client user names');
  const overwrite = opts.overwrite ?? false;
  const caPair = createCa({ commonName: `Postern CA ${opts.hostName}`.slice(0, 64) });
  const ca = writePair(dir, 'ca', caPair, overwrite);
  const server = writePair(dir, 'server', issueServerCertificate(caPair, opts.hostName), overwrite);
  const clients = users.map((u) => ({ ...writeClientCertificate(dir, caPair, u, overwrite), ...u }));
  return { ca, server, clients };
}
