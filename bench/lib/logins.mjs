// Benchmark workloads for logins at scale (issue 17 item 1), all over IMAPS (implicit TLS, as clients connect):
// imap_login_storm (K connections of one user at once, then repeated logins), imap_login_many_users (U accounts
// at once right after a restart, nothing cached), imap_login_wrong_burst (another user's NOOP latency while a
// burst of wrong passwords is checked).
import { ImapClient, sleep } from './clients.mjs';

/** @typedef {import('./servers.mjs').Server} Server */
/** @typedef {import('./workloads.mjs').Params} Params */
/** @typedef {import('./workloads.mjs').Emit} Emit */

/** @param {number} x */
const r2 = (x) => Math.round(x * 100) / 100;
const now = () => performance.now();

/** The accounts of imap_login_many_users. @param {number} n */
export function loginUsers(n) {
  return Array.from({ length: n }, (_, i) => `login${String(i + 1).padStart(5, '0')}@bench.local`);
}

/** @param {Server} srv @param {string} user @param {string} password @param {{session?: Buffer} | null} [resume] */
async function tlsLogin(srv, user, password, resume = null) {
  const c = await ImapClient.open(srv.host, srv.ports.imaps, 120_000, true, resume);
  await c.login(user, password);
  return c;
}

/**
 * Opens all at once; counts failures and keeps the first error.
 * @param {Array<() => Promise<ImapClient>>} opens
 */
async function allAtOnce(opens) {
  let failures = 0;
  let firstError = '';
  const t0 = now();
  const clients = await Promise.all(opens.map(async (open) => {
    try {
      return await open();
    } catch (e) {
      failures++;
      if (!firstError) firstError = String(e instanceof Error ? e.message : e);
      return null;
    }
  }));
  const seconds = (now() - t0) / 1000;
  for (const c of clients) if (c) await c.logout().catch(() => undefined);
  return { seconds, failures, ...(firstError ? { first_error: firstError } : {}) };
}

/**
 * K connections of one user log in at once (as every client after a restart): the time until all are
 * authenticated; then repeated logins by 4 clients, with a full TLS handshake each time, then resuming sessions.
 * @param {Server} srv @param {Params} p @param {Emit} emit @param {{user: string, password: string, pct: (xs: number[], p: number) => number | null}} o
 */
export async function loginStorm(srv, p, emit, o) {
  const storm = await allAtOnce(Array.from({ length: p.k }, () => () => tlsLogin(srv, o.user, o.password)));
  const full = await repeated(srv, p, o, false);
  const resumed = await repeated(srv, p, o, true);
  emit('imap_login_storm', {
    tls: true, connections: p.k, failures: storm.failures, ...(storm.first_error ? { first_error: storm.first_error } : {}),
    all_authenticated_s: r2(storm.seconds),
    repeated_logins: full.logins, repeated_per_s: full.perS, repeated_p50_ms: full.p50Ms,
    resumed_logins: resumed.logins, resumed_per_s: resumed.perS, resumed_p50_ms: resumed.p50Ms,
  });
}

/**
 * Repeated logins (TLS connect, LOGIN, LOGOUT) by 4 clients for up to 10 s (--quick: 2 s) or 2,000 logins; each
 * client with a full handshake every time, or resuming its TLS session (as a mail client within one process).
 * @param {Server} srv @param {Params} p @param {{user: string, password: string, pct: (xs: number[], p: number) => number | null}} o
 * @param {boolean} resume
 */
async function repeated(srv, p, o, resume) {
  const lat = [];
  let started = 0;
  const until = Date.now() + p.loginSeconds * 1000;
  const t1 = now();
  const worker = async () => {
    const session = resume ? {} : null;
    while (started < 2000 && Date.now() < until) {
      started++;
      const t = now();
      const c = await tlsLogin(srv, o.user, o.password, session);
      lat.push(now() - t);
      await c.logout();
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const seconds = (now() - t1) / 1000;
  return { logins: lat.length, perS: r2(lat.length / seconds), p50Ms: r2(o.pct(lat, 50) ?? 0) };
}

/**
 * U different accounts log in at once right after a restart (a fresh process: no login cache, nothing warm).
 * @param {Server} srv @param {Params} p @param {Emit} emit @param {{password: string}} o
 */
export async function manyUsers(srv, p, emit, o) {
  await srv.restart();
  const users = loginUsers(p.loginUsers);
  const r = await allAtOnce(users.map((u) => () => tlsLogin(srv, u, o.password)));
  emit('imap_login_many_users', {
    tls: true, accounts: users.length, failures: r.failures, ...(r.first_error ? { first_error: r.first_error } : {}),
    all_authenticated_s: r2(r.seconds),
  });
}

/**
 * Another user's NOOP latency (one NOOP at a time on a logged-in IMAPS session) for 2 s (--quick: 0.4 s) before, then while W
 * wrong-password LOGINs arrive over 50 connections (each tries again after its NO), as a guesser would.
 * @param {Server} srv @param {Params} p @param {Emit} emit
 * @param {{victim: string, target: string, password: string, pct: (xs: number[], p: number) => number | null}} o
 */
export async function wrongBurst(srv, p, emit, o) {
  const victim = await tlsLogin(srv, o.victim, o.password);
  /** @type {number[]} */ let lat = [];
  let measuring = true;
  const pinger = (async () => {
    for (let i = 0; i < 200_000 && measuring; i++) {
      const t = now();
      await victim.cmd('NOOP');
      lat.push(now() - t);
      await sleep(5);
    }
  })();
  await sleep(p.loginSeconds * 200);
  const before = lat;
  lat = [];
  let sent = 0;
  let refused = 0;
  let other = 0;
  // Bounded at 60 s: Dovecot's auth penalty delays each failure from one address up to 15 s (2^n), so its 1,000
  // would take minutes; what was checked by then is reported (wrong_logins).
  const deadline = Date.now() + 60_000;
  const t0 = now();
  const guesser = async () => {
    let c = null;
    while (sent < p.wrongLogins && Date.now() < deadline) {
      if (c === null) c = await ImapClient.open(srv.host, srv.ports.imaps, 120_000, true).catch(() => null);
      if (c === null) { other++; continue; }
      sent++;
      try {
        await c.cmd(`LOGIN ${o.target} "wrong-${sent}"`);
        other++; // a wrong password accepted: never expected
      } catch (e) {
        if (/NO/.test(String(e))) refused++;
        else { other++; c.sock.destroy(); c = null; }
      }
    }
    c?.sock.destroy();
  };
  await Promise.all(Array.from({ length: 50 }, guesser));
  const burstS = (now() - t0) / 1000;
  measuring = false;
  await pinger;
  const during = lat;
  await victim.logout();
  const p50Before = o.pct(before, 50) ?? 0;
  const p99During = o.pct(during, 99) ?? 0;
  emit('imap_login_wrong_burst', {
    tls: true, wrong_logins: sent, refused, other, burst_s: r2(burstS),
    noop_before_p50_ms: r2(p50Before), noop_before_p99_ms: r2(o.pct(before, 99) ?? 0),
    noop_during_p50_ms: r2(o.pct(during, 50) ?? 0), noop_during_p99_ms: r2(p99During),
    noop_during_max_ms: r2(Math.max(0, ...during)), noop_p99_rise_ms: r2(p99During - p50Before),
  });
}
