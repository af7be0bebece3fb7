// An in-process Postern for integration tests: a temp directory, a config on port 0 (loopback only),
// a generated certificate, users, and a stub DNS resolver (no network in tests). With POSTERN_TEST_STORE=postgres
// (issue 18 item 4) the same tests run on two front ends over one fresh PostgreSQL database: front end A (`peer`)
// serves the LMTP listeners, front end B (`server`) the IMAP and POP3 ones, so mail delivered through A reaches
// B's sessions only through PostgreSQL's NOTIFY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfigText, type Config } from '../../src/config/load.js';
import type { DnsResolver } from '../../src/delivery/verify.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { hashPassword } from '../../src/sasl/passwords.js';
import { requireSqlite } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const TEST_STORE = process.env.POSTERN_TEST_STORE ?? 'sqlite';
if (TEST_STORE !== 'sqlite' && TEST_STORE !== 'postgres') throw new Error(`POSTERN_TEST_STORE must be sqlite or postgres, not ${TEST_STORE}`);
/** Whether the integration tests run on two front ends over PostgreSQL (`POSTERN_TEST_STORE=postgres`). */
export const onPostgres = TEST_STORE === 'postgres';

/** `describe` for a suite that is not about the store's backend (e.g. a child `postern serve` on its own SQLite home). */
export function sqliteOnlySuite(reason: string): ReturnType<typeof describe.skipIf> {
  if (onPostgres) console.warn(`skipped on PostgreSQL: ${reason}`);
  return describe.skipIf(onPostgres);
}

export interface TestServer {
  dir: string;
  /** The configuration of `server` (on PostgreSQL: without the LMTP listeners, which are the peer's). */
  config: Config;
  /** The front end the IMAP and POP3 clients use; its store is what tests read and write. */
  server: RunningServer;
  /** On PostgreSQL: the second front end, serving the LMTP listeners over the same database; null on SQLite. */
  peer: RunningServer | null;
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
  /** The server's store when it is PostgreSQL (tests that look at its tables); throws on SQLite. */
  postgres(): PostgresStore;
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
  const database = onPostgres ? await (await import('./postgres.js')).createTestDatabase() : null;
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
${database === null ? (opts.store ?? 'store: { path: data/postern.sqlite }') : postgresStore(opts.store, database.url)}
${opts.tls ?? 'tls: { certDir: certs }'}
${opts.auth ?? 'auth: { failureDelayMs: 0, scramIterations: 4096 }'}
log: { level: info }
${listeners}${opts.yaml ?? ''}`;
  const full = parseConfigText(yaml, 'test.yaml', dir);
  // On PostgreSQL, A takes the LMTP listeners and an admin socket of its own; B (`server`) takes the others.
  const config: Config = database === null ? full : { ...full, listeners: full.listeners.filter((l) => l.protocol !== 'lmtp') };
  const peerConfig: Config | null =
    database === null
      ? null
      : {
          ...full,
          listeners: full.listeners.filter((l) => l.protocol === 'lmtp'),
          admin: { socket: join(dirname(full.admin.socket), 'peer-admin.sock') },
        };
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
  const resolver = opts.resolver ?? emptyResolver;
  let peer: RunningServer | null = null;
  let server: RunningServer;
  try {
    if (peerConfig !== null) peer = await startServer(peerConfig, logger, { resolver });
    server = await startServer(config, logger, { resolver });
  } catch (err) {
    await peer?.close(0);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = [...(peer?.listeners ?? []), ...server.listeners];
  return {
    dir,
    config,
    server,
    peer,
    logs,
    rawLogs,
    port(protocol, index = 0) {
      const tcp = running.filter((l) => l.config.protocol === protocol && !('path' in l.config));
      const port = tcp[index]?.listener.port;
      if (port === undefined || port === null) throw new Error(`no ${protocol} TCP listener #${index}`);
      return port;
    },
    unixPath(protocol) {
      const l = running.find((x) => x.config.protocol === protocol && 'path' in x.config);
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
    postgres() {
      if (!(server.store instanceof PostgresStore)) throw new Error('the test server runs on SQLite');
      return server.store;
    },
    async stop() {
      await server.close(0);
      await peer?.close(0);
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The test's `store:` line on PostgreSQL: its other keys (expungeLogKeep, ...) kept, the backend and URL set. */
function postgresStore(storeYaml: string | undefined, url: string): string {
  const parsed = storeYaml === undefined ? {} : (parseYaml(storeYaml) as { store?: Record<string, unknown> });
  return `store: ${JSON.stringify({ ...(parsed.store ?? {}), backend: 'postgres', url })}`;
}
