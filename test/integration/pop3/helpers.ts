// Shared set-up of the POP3 integration tests: a server with POP3 (STLS), POP3S, a POP3 listener that
// requires TLS and an LMTP Unix socket; a local CA with a client certificate for SASL EXTERNAL; mail put
// into INBOX through the store's delivery use case (or over LMTP where the path matters).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCertificateSet, type CertificateSetFiles } from '../../../src/tls/certificate-files.js';
import { startTestServer, type TestServer } from '../../support/server.js';

export const POP3_LISTENERS = `listeners:
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: starttls, requireTls: true }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
`;

/** Listener indexes among the POP3 TCP listeners above. */
export const STLS = 0;
export const POP3S = 1;
export const REQUIRE_TLS = 2;

export interface Pop3TestServer extends TestServer {
  certs: CertificateSetFiles;
  cleanup(): Promise<void>;
}

export async function startPop3Server(opts: { yaml?: string; clientUsers?: string[] } = {}): Promise<Pop3TestServer> {
  const caDir = mkdtempSync(join(tmpdir(), 'postern-pop3-ca-'));
  const certs = writeCertificateSet(caDir, {
    hostName: 'mx.test.example',
    clientUsers: (opts.clientUsers ?? []).map((u) => ({ user: u, email: u })),
  });
  const t = await startTestServer({
    listeners: POP3_LISTENERS,
    tls: `tls: { cert: ${certs.server.certFile}, key: ${certs.server.keyFile}, clientCa: ${certs.ca.certFile} }`,
    ...(opts.yaml === undefined ? {} : { yaml: opts.yaml }),
  });
  return {
    ...t,
    certs,
    async cleanup() {
      await t.stop();
      rmSync(caDir, { recursive: true, force: true });
    },
  };
}

/** A CRLF message with a given subject and body lines. */
export function message(subject: string, ...body: string[]): Buffer {
  return Buffer.from(`From: sender@example.net\r\nTo: user@example.org\r\nSubject: ${subject}\r\n\r\n${body.map((l) => `${l}\r\n`).join('')}`, 'utf8');
}

/** Stores `raw` into the user's INBOX as a delivery would (trace prefix included); returns the UID. */
export async function deliver(t: TestServer, userId: number, raw: Buffer, opts: { requireTls?: boolean } = {}): Promise<number> {
  const [result] = await t.server.store.deliver({
    body: raw,
    recipients: [{ userId, prefix: Buffer.from('Return-Path: <sender@example.net>\r\n', 'latin1') }],
    internalDate: new Date(),
    requireTls: opts.requireTls ?? false,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
  if (!result?.ok) throw new Error('delivery failed');
  return result.uid;
}

export async function inboxOf(t: TestServer, userId: number) {
  return t.server.store.getMailbox(userId, 'INBOX');
}
