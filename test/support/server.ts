// An in-process Postern for integration tests: a temp directory, a config on port 0 (loopback only),
// a generated certificate, users, and a stub DNS resolver (no network in tests).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfigText, type Config } from '../../src/config/load.js';
import type { DnsResolver } from '../../src/delivery/verify.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { hashPassword } from '../../src/sasl/passwords.js';
import { requireSqlite } from '../../src/store/open.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export interface TestServer {
  dir: string;
  config: Config;
  server: RunningServer;
  /** JSON log lines written so far. */
  logs: Array<Record<string, unknown>>;
  /** The same lines as written, unparsed (what a log reader such as fail2ban sees). */
  rawLogs: string[];
  /** Bound TCP port of the n-th listener of a protocol (0-based), or the Unix path. */
  port(protocol: string, index?: number): number;
  unixPath(protocol: string): string;
  addUser(name: string, password: string, quotaBytes?: number | null): Promise<number>;
  /** The server's store when it is SQLite (tests that look at its tables); throws on PostgreSQL. */
  sqlite(): SqliteStore;
  stop(): Promise<void>;
}

/** `auth:` for tests that log in over cleartext connections: plaintext allowed, no delay after a failure. */
export const PLAINTEXT_AUTH = 'auth: { failureDelayMs: 0, scramIterations: 4096, allowPlaintextWithoutTls: true }';

/** A resolver that knows nothing: every name is NXDOMAIN (tests that need records pass their own). */
export const emptyResolver: DnsResolver = async (name) => {
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
};

export async function startTestServer(
  opts: { yaml?: string; listeners?: string; tls?: string; auth?: string; store?: string; resolver?: DnsResolver } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-it-'));
  const listeners =
    opts.listeners ??
    `listeners:
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: starttls, requireTls: true }
`;
  const yaml = `hostname: mx.test.example
authservId: mx.test.example
trustedNetworks: ["10.9.9.9/32"]
${opts.store ?? 'store: { path: data/postern.sqlite }'}
${opts.tls ?? 'tls: { certDir: certs }'}
${opts.auth ?? 'auth: { failureDelayMs: 0, scramIterations: 4096 }'}
log: { level: info }
${listeners}${opts.yaml ?? ''}`;
  const config = parseConfigText(yaml, 'test.yaml', dir);
  const logs: Array<Record<string, unknown>> = [];
  const rawLogs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  const logger: Logger = createLogger({ level: 'info', destination: sink });
  const server = await startServer(config, logger, { resolver: opts.resolver ?? emptyResolver });
  return {
    dir,
    config,
    server,
    logs,
    rawLogs,
    port(protocol, index = 0) {
      const tcp = server.listeners.filter((l) => l.config.protocol === protocol && !('path' in l.config));
      const port = tcp[index]?.listener.port;
      if (port === undefined || port === null) throw new Error(`no ${protocol} TCP listener #${index}`);
      return port;
    },
    unixPath(protocol) {
      const l = server.listeners.find((x) => x.config.protocol === protocol && 'path' in x.config);
      if (!l || !('path' in l.config)) throw new Error(`no ${protocol} Unix listener`);
      return l.config.path;
    },
    async addUser(name, password, quotaBytes = null) {
      const user = await server.store.createUser(
        name,
        // At the configured count, as `postern user add` does: a login then has nothing to renew.
        await hashPassword(password, { scramIterations: config.auth.scramIterations }),
        { quotaBytes },
      );
      return user.id;
    },
    sqlite: () => requireSqlite(server.store, 'test'),
    async stop() {
      await server.close(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
