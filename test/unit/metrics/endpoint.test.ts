// The metrics HTTP listener and health check (issue 16 item 4): the reasons /health gives, in order; a scrape
// that throws is a 500 (a failing health check a 503), logged, never a crash; "[::1]:PORT" binds IPv6 loopback.
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { healthReason, type EndpointSources } from '../../../src/metrics/endpoint.js';
import { startMetricsServer } from '../../../src/metrics/http-server.js';
import { hostPort } from '../../../src/config/host-port.js';

function sources(over: Partial<EndpointSources> = {}): EndpointSources {
  return {
    storeSize: () => ({ databaseBytes: 1, messages: 0, bodies: 0 }),
    textIndexBacklog: () => 0,
    pingStore: () => undefined,
    listeners: () => [{ name: 'imap 127.0.0.1:143 (starttls)', listening: true }],
    shuttingDown: () => false,
    onError: () => undefined,
    ...over,
  };
}

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.family === 'IPv6' && a.internal));

describe('healthReason', () => {
  it('is null when all is well, else the first reason', () => {
    expect(healthReason(sources())).toBeNull();
    expect(healthReason(sources({ shuttingDown: () => true, pingStore: () => { throw new Error('x'); } }))).toBe('shutting down');
    expect(healthReason(sources({ pingStore: () => { throw new Error('database is locked'); } }))).toBe('store not answering: database is locked');
    const down = sources({ listeners: () => [{ name: 'a', listening: true }, { name: 'pop3 [::]:110 (starttls)', listening: false }, { name: 'c', listening: false }] });
    expect(healthReason(down)).toBe('not listening: pop3 [::]:110 (starttls), c');
  });
});

describe('startMetricsServer', () => {
  it('answers a throwing scrape with 500 and a throwing health check with 503, and reports both', async () => {
    const errors: string[] = [];
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      metrics: () => {
        throw new Error('scrape broke');
      },
      health: () => {
        throw new Error('health broke');
      },
      onError: (err) => errors.push(err.message),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(500);
      const health = await fetch(`${base}/health?probe=1`);
      expect(health.status).toBe(503);
      expect(await health.text()).toBe('health check failed\n');
      expect(errors).toEqual(['scrape broke', 'health broke']);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!hasIpv6Loopback)('binds "[::1]:0" on IPv6 loopback', async () => {
    const server = await startMetricsServer({ ...hostPort('[::1]:0'), metrics: () => 'x\n', health: () => null, onError: () => undefined });
    try {
      const res = await fetch(`http://[::1]:${server.port}/health`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok\n');
    } finally {
      await server.close();
    }
  });
});
