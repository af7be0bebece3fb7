// R11.1, R11.2, R5.3, R10.5 over real sockets: the bad-command budget, over-long lines, commands in the wrong
// state, an HTTP request, binary garbage, a listener that requires TLS, the autologout timer (RFC 1939 §3:
// no UPDATE), the per-IP connection limit's refusal line, and shutdown without UPDATE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import { tmpdir } from 'node:os';
import { startListener, type Listener } from '../../../src/net/listener.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { Spool } from '../../../src/net/spool.js';
import { LiveSessions } from '../../../src/net/live-sessions.js';
import { createPop3Service, pop3Settings } from '../../../src/pop3/server.js';
import { Authenticator } from '../../../src/sasl/authenticator.js';
import type { ProtocolService } from '../../../src/service.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { emptyResolver } from '../../support/server.js';
import { deliver, inboxOf, message, POP3S, REQUIRE_TLS, startPop3Server, STLS, type Pop3TestServer } from './helpers.js';

let t: Pop3TestServer;
let erin: number;

beforeAll(async () => {
  t = await startPop3Server();
  erin = await t.addUser('erin@example.org', 'pw-erin');
  await deliver(t, erin, message('a', '1'));
});
afterAll(async () => {
  await t.cleanup();
});

describe('bad input (R11.1, R11.2)', () => {
  it('after maxBadCommands unknown or misplaced commands the session ends', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    for (let i = 0; i < 9; i++) {
      const r = await c.cmd(i % 3 === 0 ? 'XYZZY' : i % 3 === 1 ? 'RETR x' : 'DELE 1');
      expect(r.ok).toBe(false);
    }
    expect((await c.cmdMulti('CAPA')).ok).toBe(true); // good commands do not reset or spend the budget
    expect((await c.cmd('BOGUS')).line).toBe('-ERR Unknown command');
    expect((await c.reply()).line).toBe('-ERR Too many bad commands, closing connection');
    expect(await c.waitClosed()).toBe(true);
  });

  it('an over-long line gets -ERR and the session goes on', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    expect((await c.cmd(`USER ${'a'.repeat(10_000)}`)).line).toBe('-ERR Line too long');
    expect((await c.cmdMulti('CAPA')).ok).toBe(true);
    c.close();
  });

  it('an HTTP request is answered once and the connection closed', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    expect((await c.cmd('GET / HTTP/1.1')).line).toBe('-ERR This is a POP3 server');
    expect(await c.waitClosed()).toBe(true);
  });

  it('binary garbage neither crashes nor hangs the server', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
    c.write(junk);
    c.write('\r\n');
    expect(await c.waitClosed()).toBe(true);
    const d = await Pop3Client.open(t.port('pop3', POP3S), {});
    expect((await d.login('erin@example.org', 'pw-erin')).ok).toBe(true);
    d.close();
  });
});

describe('a listener with requireTls (R5.3)', () => {
  it('refuses authentication before STLS and serves after it', async () => {
    const c = await Pop3Client.open(t.port('pop3', REQUIRE_TLS));
    expect((await c.cmdMulti('CAPA')).lines).toContain('STLS');
    expect((await c.cmd('AUTH SCRAM-SHA-256 biwsbj1lcmluQGV4YW1wbGUub3JnLHI9YWJj')).line).toBe('-ERR Must issue STLS first');
    expect((await c.cmd('USER erin@example.org')).line).toBe('-ERR Must issue STLS first');
    await c.stls();
    expect((await c.login('erin@example.org', 'pw-erin')).ok).toBe(true);
    c.close();
  });
});

describe('autologout, connection limits and shutdown (RFC 1939 §3, R11.2, R10.5)', () => {
  let service: ProtocolService;
  let listener: Listener;

  beforeAll(async () => {
    const deps = {
      config: t.config,
      logger: createLogger({ level: 'silent' }),
      store: t.server.store,
      tls: t.server.tls,
      authenticator: new Authenticator({ lookup: (name) => t.server.store.findUser(name), logger: { info: () => undefined, warn: () => undefined }, failureDelayMs: 0 }),
      resolver: emptyResolver,
      spool: new Spool(tmpdir()), // POP3 receives no messages: never written
      metrics: new Metrics(),
      live: new LiveSessions(),
    };
    service = createPop3Service(deps, { idleMs: 400 });
    const lc = { protocol: 'pop3' as const, address: '127.0.0.1', port: 0, tls: 'implicit' as const, requireTls: false };
    listener = await startListener({
      name: 'pop3-test',
      endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 },
      implicitTls: t.server.tls.provider,
      maxConnections: 100,
      maxConnectionsPerIp: 2,
      onConnection: (conn) => service.serve(conn, lc),
      onRefuse: (reason) => service.refusal(reason),
    });
  });
  afterAll(async () => {
    await listener.close({ graceMs: 0 });
  });

  it('an idle session is logged out without UPDATE: marked messages stay', async () => {
    const c = await Pop3Client.open(listener.port!, {});
    expect((await c.login('erin@example.org', 'pw-erin')).ok).toBe(true);
    expect((await c.cmd('DELE 1')).ok).toBe(true);
    expect((await c.reply(3000)).line).toBe('-ERR Autologout; idle for too long');
    expect(await c.waitClosed()).toBe(true);
    expect((await inboxOf(t, erin)).messages).toBe(1);
  });

  it('shutdown tells idle sessions and ends them without UPDATE', async () => {
    const c = await Pop3Client.open(listener.port!, {});
    expect((await c.login('erin@example.org', 'pw-erin')).ok).toBe(true);
    expect((await c.cmd('DELE 1')).ok).toBe(true);
    await service.shutdown?.();
    expect((await c.reply()).line).toBe('-ERR [SYS/TEMP] Server shutting down');
    expect(await c.waitClosed()).toBe(true);
    expect((await inboxOf(t, erin)).messages).toBe(1);
  });

  it('the production default autologout is the RFC minimum of 10 minutes or more', async () => {
    expect(pop3Settings(t.config).idleMs).toBeGreaterThanOrEqual(600_000);
  });
});

describe('per-IP connection limit (R11.2)', () => {
  it('refuses over the limit with -ERR [SYS/TEMP] on a cleartext listener', async () => {
    const limited = await startPop3Server({ yaml: 'limits: { maxConnectionsPerIp: 1 }\n' });
    try {
      const a = await Pop3Client.open(limited.port('pop3', STLS));
      const b = await Pop3Client.connect(limited.port('pop3', STLS));
      expect((await b.reply()).line).toBe('-ERR [SYS/TEMP] Too many connections, try again later');
      a.close();
      b.close();
    } finally {
      await limited.cleanup();
    }
  });
});
