// Certificates built and signed with node-forge (SPEC R5.5): a self-signed server certificate for first
// start, and a small local CA issuing server and client certificates (clientAuth, SAN rfc822Name) for
// SASL EXTERNAL (R5.4). RSA keys come from node:crypto, which is far faster than forge's pure-JS keygen.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

const { pki } = forge;

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
  /** SHA-256 fingerprint of the certificate, colon hex (as Node reports it). */
  fingerprint256: string;
}

export interface ClientUser {
  /** Becomes the subject CN. */
  user: string;
  /** Becomes the subjectAltName rfc822Name; without one, the CN alone names the user (R5.4). */
  email?: string | undefined;
}

const HOST_RE = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;
const USER_RE = /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,63}$/;
const EMAIL_RE = /^[^\s@<>"(),;:\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}$/;

export function assertHostName(hostName: string): void {
  if (isIP(hostName) === 0 && !HOST_RE.test(hostName)) throw new Error(`invalid host name: ${JSON.stringify(hostName)}`);
}

export function assertClientUser(u: ClientUser): void {
  if (!USER_RE.test(u.user)) throw new Error(`invalid certificate user name: ${JSON.stringify(u.user)}`);
  if (u.email !== undefined && !EMAIL_RE.test(u.email)) throw new Error(`invalid certificate email address: ${JSON.stringify(u.email)}`);
}

function newKeyPair(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const priv = pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: pki.setRsaPublicKey(priv.n, priv.e) };
}

function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}

type AltName = { type: 1; value: string } | { type: 2; value: string } | { type: 7; ip: string };

function hostAltNames(hostName: string): AltName[] {
  const names = [hostName, 'localhost', '127.0.0.1', '::1'];
  const seen = new Set<string>();
  const out: AltName[] = [];
  for (const n of names) {
    const key = n.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(isIP(n) === 0 ? { type: 2, value: n } : { type: 7, ip: n });
  }
  return out;
}

interface BuildSpec {
  subject: forge.pki.CertificateField[];
  keys: forge.pki.rsa.KeyPair;
  issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | null;
  days: number;
  extensions: object[];
}

function build(spec: BuildSpec): CertificateAndKey {
  if (!Number.isInteger(spec.days) || spec.days < 1 || spec.days > 36500) throw new Error('days must be 1..36500');
  const cert = pki.createCertificate();
  cert.publicKey = spec.keys.publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + spec.days * 24 * 60 * 60 * 1000);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer === null ? spec.subject : spec.issuer.cert.subject.attributes);
  const ext: object[] = [...spec.extensions, { name: 'subjectKeyIdentifier' }];
  if (spec.issuer !== null) {
    const issuerSki = spec.issuer.cert.generateSubjectKeyIdentifier().getBytes();
    ext.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerSki });
  }
  cert.setExtensions(ext);
  cert.sign(spec.issuer === null ? spec.keys.privateKey : spec.issuer.key, forge.md.sha256.create());
  const certPem = pki.certificateToPem(cert);
  return {
    certPem,
    keyPem: pki.privateKeyToPem(spec.keys.privateKey),
    fingerprint256: new X509Certificate(certPem).fingerprint256,
  };
}

const serverExtensions = (hostName: string): object[] => [
  { name: 'basicConstraints', cA: false },
  { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
  { name: 'extKeyUsage', serverAuth: true },
  { name: 'subjectAltName', altNames: hostAltNames(hostName) },
];

/** A self-signed server certificate for hostName, localhost, 127.0.0.1 and ::1 (RSA 2048, SHA-256). */
export function generateSelfSigned(opts: { hostName: string; days?: number }): CertificateAndKey {
  assertHostName(opts.hostName);
  return build({
    subject: [{ name: 'commonName', value: opts.hostName }, { name: 'organizationName', value: 'Postern' }],
    keys: newKeyPair(),
    issuer: null,
    days: opts.days ?? 825,
    extensions: serverExtensions(opts.hostName),
  });
}

/** A local certification authority for client (and optionally server) certificates. */
export function createCa(opts: { commonName: string; days?: number }): CertificateAndKey {
  if (opts.commonName.length === 0 || opts.commonName.length > 64) throw new Error('CA common name must be 1..64 characters');
  return build({
    subject: [{ name: 'commonName', value: opts.commonName }, { name: 'organizationName', value: 'Postern' }],
    keys: newKeyPair(),
    issuer: null,
    days: opts.days ?? 3650,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
      { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    ],
  });
}

function parseCa(ca: CertificateAndKey): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  return { cert: pki.certificateFromPem(ca.certPem), key: pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey };
}

export function issueServerCertificate(ca: CertificateAndKey, hostName: string, days = 825): CertificateAndKey {
  assertHostName(hostName);
  return build({
    subject: [{ name: 'commonName', value: hostName }],
    keys: newKeyPair(),
    issuer: parseCa(ca),
    days,
    extensions: serverExtensions(hostName),
  });
}

/** A client certificate: CN = user, SAN rfc822Name = email when given, EKU clientAuth (R5.4). */
export function issueClientCertificate(ca: CertificateAndKey, u: ClientUser, days = 825): CertificateAndKey {
  assertClientUser(u);
  return build({
    subject: [{ name: 'commonName', value: u.user }],
    keys: newKeyPair(),
    issuer: parseCa(ca),
    days,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
      ...(u.email === undefined ? [] : [{ name: 'subjectAltName', altNames: [{ type: 1, value: u.email }] }]),
    ],
  });
}
