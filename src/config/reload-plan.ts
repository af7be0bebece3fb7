// What a configuration reload can apply to a running server (issue 16 item 6), pure: the keys that differ
// between the running and the re-read configuration, split into those the services take live and those that
// need a restart (listen addresses, data paths, store settings, the authenticator's limits, ...).
import type { Config } from './load.js';

/**
 * Keys applied live: the log level, the TLS files (re-read at every reload), and the settings the protocol
 * services keep in one object per service, which new commands and sessions read (timeouts and limits take
 * effect at a session's next timer or command; nothing open is dropped).
 */
const LIVE_KEYS: ReadonlySet<string> = new Set([
  'log.level',
  'tls.cert',
  'tls.key',
  'tls.clientCa',
  'tls.certDir',
  'hostname',
  'authservId',
  'hideAuthservId',
  'admdInternalIds',
  'removeForeignResults',
  'requireTlsOnUnixSocket',
  'trustedNetworks',
  'auth.allowPlaintextWithoutTls',
  'limits.maxMessageBytes',
  'limits.maxHeaderBytes',
  'limits.maxRecipients',
  'limits.maxLineLength',
  'limits.maxLiteralBytes',
  'limits.maxBadCommands',
  'limits.lmtpIdleSeconds',
  'limits.imapIdleSeconds',
  'limits.pop3IdleSeconds',
  'limits.preAuthIdleSeconds',
  'limits.loginDeadlineSeconds',
  'limits.preAuthLineLength',
  'limits.preAuthLiteralBytes',
  'limits.maxConnectionsPerUser',
  'lmtp.recipientDelimiter',
  'lmtp.detailMailbox',
  'lmtp.quotaFullTempfail',
  'lmtp.verify',
  'lmtp.trustReceived',
  'lmtp.relayUsers',
]);

/** Not settings: where the configuration came from. */
const IGNORED: ReadonlySet<string> = new Set(['source', 'home']);

export interface ReloadPlan {
  /** Changed keys the running server takes at once. */
  live: string[];
  /** Changed keys that only a restart applies; the running server keeps the old values. */
  needsRestart: string[];
}

/** The leaves of a configuration as `a.b` keys; arrays are one value each (listeners, networks). */
function leaves(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (!IGNORED.has(prefix)) out.set(prefix, JSON.stringify(value ?? null));
  return out;
}

export function planReload(running: Config, next: Config): ReloadPlan {
  const before = leaves(running, '', new Map());
  const after = leaves(next, '', new Map());
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();
  // Listeners are one value: any change to them (address, port, TLS mode) needs a restart.
  const top = (k: string): string => (k.startsWith('listeners') ? 'listeners' : k);
  return {
    live: changed.filter((k) => LIVE_KEYS.has(k)),
    needsRestart: [...new Set(changed.filter((k) => !LIVE_KEYS.has(k)).map(top))],
  };
}
