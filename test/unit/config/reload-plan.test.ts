// Issue 16 item 6: which changed keys a reload applies live and which need a restart.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { planReload } from '../../../src/config/reload-plan.js';

const BASE = 'hostname: a.example\nlisteners:\n  - { protocol: imap, port: 1143 }\n';
const cfg = (extra = '', base = BASE) => parseConfigText(`${base}${extra}`, 'test.yaml', '/srv/postern');

describe('planReload', () => {
  it('nothing changed: nothing to apply, nothing to restart', () => {
    expect(planReload(cfg(), cfg())).toEqual({ live: [], needsRestart: [] });
  });

  it('log level, limits, timeouts and TLS files are live', () => {
    const next = cfg('log: { level: debug }\nlimits: { maxLineLength: 4096, imapIdleSeconds: 3600 }\ntls: { cert: c.pem, key: k.pem }\n');
    expect(planReload(cfg(), next)).toEqual({
      live: ['limits.imapIdleSeconds', 'limits.maxLineLength', 'log.level', 'tls.cert', 'tls.key'],
      needsRestart: [],
    });
  });

  it('listeners, store, admin socket and the authenticator need a restart, named once each', () => {
    const next = cfg(
      'store: { path: other.sqlite }\nadmin: { socket: /run/postern/admin.sock }\nauth: { failureDelayMs: 10 }\nlimits: { maxConnections: 5 }\n',
      'hostname: a.example\nlisteners:\n  - { protocol: imap, port: 1993, tls: implicit }\n  - { protocol: pop3, port: 1110 }\n',
    );
    expect(planReload(cfg(), next)).toEqual({
      live: [],
      needsRestart: ['admin.socket', 'auth.failureDelayMs', 'limits.maxConnections', 'listeners', 'store.path'],
    });
  });

  it('the admin socket defaults to the store directory', () => {
    expect(cfg().admin.socket).toBe('/srv/postern/data/admin.sock');
    expect(cfg('store: { path: /var/lib/postern/mail.sqlite }\n').admin.socket).toBe('/var/lib/postern/admin.sock');
  });
});
