// IDLE keep-alive and the autologout (issue 13 item 18; RFC 2177, RFC 9051 §5.4): during IDLE the server
// sends `* OK Still here` every idleKeepaliveMs so NAT boxes keep a quiet connection, and those writes of its
// own do not refresh the autologout: only the client's traffic does. Timers shortened through the service's
// overrides (keep-alive 300 ms, autologout 1.5 s).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImapService } from '../../../src/imap/server.js';
import { createLogger } from '../../../src/log/logger.js';
import { startListener, type Listener } from '../../../src/net/listener.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { Spool } from '../../../src/net/spool.js';
import { LiveSessions } from '../../../src/net/live-sessions.js';
import { Authenticator } from '../../../src/sasl/authenticator.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { emptyResolver, startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer;
let listener: Listener;

beforeAll(async () => {
  t = await startTestServer({ listeners: 'listeners: []\n', auth: 'auth: { failureDelayMs: 0, allowPlaintextWithoutTls: true }' });
  await t.addUser('ida@example.org', 'pw-ida');
  const deps = {
    config: t.config,
    logger: createLogger({ level: 'silent' }),
    store: t.server.store,
    tls: t.server.tls,
    authenticator: new Authenticator({ lookup: (name) => t.server.store.findUser(name), logger: { info: () => undefined, warn: () => undefined }, failureDelayMs: 0 }),
    resolver: emptyResolver,
    spool: new Spool(join(t.dir, 'data/spool')),
    metrics: new Metrics(),
    live: new LiveSessions(),
  };
  const service = createImapService(deps, { idleMs: 1500, idleKeepaliveMs: 300 });
  const lc = { protocol: 'imap' as const, address: '127.0.0.1', port: 0, tls: 'none' as const, requireTls: false };
  listener = await startListener({
    name: 'imap-idle-test',
    endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    maxConnections: 10,
    maxConnectionsPerIp: 10,
    onConnection: (conn) => service.serve(conn, lc),
    onRefuse: (reason) => service.refusal(reason),
  });
});
afterAll(async () => {
  await listener.close({ graceMs: 0 });
  await t.stop();
});

async function loggedIn(): Promise<Pop3Client> {
  const c = await Pop3Client.connect(listener.port!); // a CRLF line client
  expect(await c.line()).toMatch(/^\* OK /);
  c.send('a1 LOGIN ida@example.org pw-ida');
  expect(await c.line()).toMatch(/^a1 OK /);
  c.send('a2 SELECT INBOX');
  for (let l = await c.line(); !l.startsWith('a2 '); l = await c.line());
  return c;
}

describe('IDLE keep-alive (issue 13 item 18)', () => {
  it('sends `* OK Still here` while idling, and the autologout still comes when the client says nothing', async () => {
    const c = await loggedIn();
    c.send('a3 IDLE');
    expect(await c.line()).toBe('+ idling');
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      const line = await c.line(3000).catch(() => null);
      if (line === null) break;
      seen.push(line);
      if (line.startsWith('* BYE')) break;
    }
    expect(seen.filter((l) => l === '* OK Still here').length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe('* BYE Autologout; idle for too long');
    expect(await c.waitClosed()).toBe(true);
  });

  it("the client's own traffic refreshes the autologout", async () => {
    const c = await loggedIn();
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 500)); // 3 s in all: twice the autologout
      c.send(`n${i} NOOP`);
      expect(await c.line()).toMatch(new RegExp(`^n${i} OK`));
    }
    expect(c.isClosed).toBe(false);
    c.close();
  });
});
