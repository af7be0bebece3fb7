// `postern cert` (SPEC R10.3, R5.4): a small local CA, a server certificate it signs, and client
// certificates (PEM pair plus a PKCS#12 bundle for mail clients) so an administrator can try SASL EXTERNAL.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import forge from 'node-forge';
import { loadCa, writeCertificateSet, writeClientCertificate, type CertificateFiles } from '../tls/certificate-files.js';
import type { ClientUser } from '../tls/certificates.js';
import { cliConfig } from './context.js';
import { UsageError, type CommandArgs } from './io.js';

/**
 * A client certificate names its user by CN and, when the login is an address, by SAN email too (R5.4); an
 * `--email` given for the user (the n-th --email for the n-th --client) is its SAN email instead.
 */
function clientUser(login: string, email: string | undefined): ClientUser {
  if (email !== undefined) return { user: login, email };
  return login.includes('@') ? { user: login, email: login } : { user: login };
}

function clientUsers(values: CommandArgs['values']): ClientUser[] {
  const logins = Array.isArray(values.client) ? values.client.map(String) : [];
  const emails = Array.isArray(values.email) ? values.email.map(String) : [];
  if (emails.length > logins.length) throw new UsageError('each --email goes with a --client (the n-th --email with the n-th --client)');
  return logins.map((login, i) => clientUser(login, emails[i]));
}

/** PKCS#12 with the key, the certificate and the CA, without a passphrase (the file is mode 0600). */
function writePkcs12(files: CertificateFiles, caCertFile: string): string {
  const key = forge.pki.privateKeyFromPem(readFileSync(files.keyFile, 'utf8'));
  const cert = forge.pki.certificateFromPem(readFileSync(files.certFile, 'utf8'));
  const ca = forge.pki.certificateFromPem(readFileSync(caCertFile, 'utf8'));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert, ca], '', { algorithm: '3des', friendlyName: cert.subject.getField('CN')?.value });
  const p12File = files.certFile.replace(/\.crt$/, '.p12');
  writeFileSync(p12File, Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), { mode: 0o600 });
  chmodSync(p12File, 0o600);
  return p12File;
}

export async function runCert({ positionals, values, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const config = cliConfig(io);
  const dir = typeof values.dir === 'string' ? resolve(values.dir) : join(config.tls.certDir, 'local');
  const hostName = typeof values.hostname === 'string' ? values.hostname : config.hostname;
  const users = clientUsers(values);
  // Paths as the configuration file resolves them: relative to the Postern home when inside it.
  const show = (path: string): string => {
    const rel = relative(config.home, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  };
  const lines: string[] = [];
  let caCertFile = join(dir, 'ca.crt');
  let clients: CertificateFiles[];

  if (existsSync(caCertFile)) {
    // An existing CA issues further client certificates; the server certificate is left as it is.
    if (users.length === 0) throw new UsageError(`${show(dir)} already holds a CA; name --client users to issue certificates`);
    const ca = loadCa(dir);
    clients = users.map((u) => writeClientCertificate(dir, ca, u));
    lines.push(`using the existing CA ${show(caCertFile)}`);
  } else {
    const set = writeCertificateSet(dir, { hostName, clientUsers: users });
    caCertFile = set.ca.certFile;
    clients = set.clients;
    lines.push(
      `CA:     ${show(set.ca.certFile)} (key ${show(set.ca.keyFile)}, keep it private)`,
      `server: ${show(set.server.certFile)} for ${hostName} (key ${show(set.server.keyFile)})`,
      `        SHA-256 ${set.server.fingerprint256}`,
    );
  }
  for (const files of clients) {
    const p12 = writePkcs12(files, caCertFile);
    lines.push(`client: ${show(files.certFile)} (key ${show(files.keyFile)}; for mail clients: ${show(p12)}, no passphrase)`);
  }
  lines.push(
    '',
    'To use them, set in the configuration:',
    '  tls:',
    `    cert: ${show(join(dir, 'server.crt'))}`,
    `    key: ${show(join(dir, 'server.key'))}`,
    `    clientCa: ${show(caCertFile)}`,
    'A client presenting its certificate may then log in with SASL EXTERNAL.',
  );
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
