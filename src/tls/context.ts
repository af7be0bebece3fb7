// TLS server settings from PEM files, and a holder that reloads them on SIGHUP (SPEC R5.4, R5.5):
// TLS 1.2 minimum; client certificates requested (only with a client CA) but never required.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { NetLogger } from '../net/logger.js';
import { silentLogger } from '../net/logger.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** PEM bundle of CAs that client certificates are verified against (SASL EXTERNAL, R5.4). */
  clientCaFile?: string | undefined;
}

/** What a server-side TLSSocket needs; the same object serves implicit TLS and STARTTLS. */
export interface TlsServerOptions {
  secureContext: SecureContext;
  /** True only when a client CA is configured (R5.4). */
  requestCert: boolean;
  /** Always false: a certificate is requested, never required (R5.4). */
  rejectUnauthorized: false;
  /** SHA-256 fingerprint (colon hex) of the served certificate. */
  fingerprint256: string;
  /** Expiry of the served certificate. */
  validTo: Date;
}

export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/** Reads the files and builds the context. Throws with the file named when anything is wrong. */
export function loadTlsServerOptions(files: TlsFiles): TlsServerOptions {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read TLS ${what} ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = read(files.certFile, 'certificate');
  const key = read(files.keyFile, 'key');
  const ca = files.clientCaFile !== undefined ? read(files.clientCaFile, 'client CA') : undefined;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new Error(`TLS certificate ${files.certFile} is not a PEM certificate`, { cause: err });
  }
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({
      cert,
      key,
      ...(ca !== undefined ? { ca } : {}),
      minVersion: TLS_MIN_VERSION,
      honorCipherOrder: true,
    });
  } catch (err) {
    throw new Error(
      `TLS certificate ${files.certFile} / key ${files.keyFile} unusable: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return {
    secureContext,
    requestCert: ca !== undefined,
    rejectUnauthorized: false,
    fingerprint256: x509.fingerprint256,
    validTo: new Date(x509.validTo),
  };
}

export type ReloadResult = { ok: true; fingerprint256: string } | { ok: false; error: Error };

/**
 * Holds the current TLS settings. Listeners and STARTTLS read `current` for each new handshake, so a
 * successful reload() applies to every connection made afterwards; a failed one keeps the old settings.
 */
export class TlsContextHolder {
  private options: TlsServerOptions;

  constructor(
    private files: TlsFiles,
    private readonly logger: NetLogger = silentLogger,
  ) {
    this.options = loadTlsServerOptions(files);
    this.logger.info(
      { cert: files.certFile, fingerprint256: this.options.fingerprint256, validTo: this.options.validTo },
      'TLS certificate loaded',
    );
  }

  get current(): TlsServerOptions {
    return this.options;
  }

  /** A function handing out the current settings, for listeners. */
  readonly provider = (): TlsServerOptions => this.options;

  /** Re-reads the files (or new ones, issue 16 item 6); on failure the old files and settings stay. */
  reload(files: TlsFiles = this.files): ReloadResult {
    try {
      const next = loadTlsServerOptions(files);
      this.options = next;
      this.files = files;
      this.logger.info(
        { cert: this.files.certFile, fingerprint256: next.fingerprint256, validTo: next.validTo },
        'TLS certificate reloaded',
      );
      return { ok: true, fingerprint256: next.fingerprint256 };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.error({ err: error.message }, 'TLS reload failed; keeping the previous certificate');
      return { ok: false, error };
    }
  }
}
