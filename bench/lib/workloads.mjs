// Benchmark workloads: LMTP ingest, IMAP SELECT/FETCH/SEARCH/SORT/STORE/resync/APPEND/login storm/IDLE and POP3 RETR against one server.
import { dotStuff, ImapClient, LmtpClient, Pop3Client, sleep } from './clients.mjs';
import { loginStorm, manyUsers, wrongBurst } from './logins.mjs';
import { resync } from './resync.mjs';
import { FROM_TARGET, RARE_WORD, SENTSINCE_TARGET, imapDate, message, rng } from './messages.mjs';

/** Nearest-rank percentile. @param {number[]} xs @param {number} p */
export function pct(xs, p) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
/** @param {number} x */
const r2 = (x) => Math.round(x * 100) / 100;
const now = () => performance.now();
const MB = 1e6;

export const USERS = { main: 'bench1@bench.local', append: 'bench2@bench.local', idle: 'bench3@bench.local' };
export const PASSWORD = 'bench-pw-1';

/**
 * @typedef {{n: number, c: number, k: number, appends: number, singles: number, searchRuns: number, warmRuns: number,
 *   idleDeliveries: number, idleTimeoutMs: number, seed: number, phaseTimeoutMs: number, loginUsers: number,
 *   wrongLogins: number, loginSeconds: number}} Params
 * @typedef {import('./servers.mjs').Server} Server
 * @typedef {(workload: string, data: Record<string, unknown>) => void} Emit
 */

/** @param {Server} srv @param {string} user */
async function imapLogin(srv, user) {
  return imapLoginAt(srv, srv.ports.imap, user);
}

/** @param {Server} srv @param {number} port @param {string} user */
async function imapLoginAt(srv, port, user) {
  const c = await ImapClient.open(srv.host, port);
  await c.login(user, PASSWORD);
  return c;
}

/** Runs every workload in order; each result goes to emit(). @param {Server} srv @param {Params} p @param {Emit} emit */
export async function runAll(srv, p, emit) {
  // Generated as they are sent: --n 100000 would otherwise hold about 1.5 GB of messages at once.
  await ingest(srv, p, (i) => dotStuff(message(p.seed, i, USERS.main)), emit);
  await firstSearch(srv, emit);
  await fetchMeta(srv, p, emit);
  await fetchBodies(srv, p, emit);
  await searches(srv, p, emit);
  await sorts(srv, p, emit);
  await pop3(srv, p, emit);
  await stores(srv, p, emit);
  // After pop3 and stores: its 5 expunges would change their message counts.
  await resync(p, emit, () => imapLogin(srv, USERS.main), pct);
  await appends(srv, p, emit);
  await loginStorm(srv, p, emit, { user: USERS.idle, password: PASSWORD, pct });
  await wrongBurst(srv, p, emit, { victim: USERS.main, target: USERS.append, password: PASSWORD, pct });
  await manyUsers(srv, p, emit, { password: PASSWORD }); // restarts the server
  await idle(srv, p, emit);
}

/** LMTP ingest: N messages over C connections. @param {Server} srv @param {Params} p @param {(i: number) => Buffer} make @param {Emit} emit */
async function ingest(srv, p, make, emit) {
  const lat = [];
  let next = 0;
  let bytes = 0;
  const deadline = Date.now() + p.phaseTimeoutMs;
  // postern-pg: connection i goes to front end A when i is even, B when odd (both front ends ingest at once).
  const fronts = srv.second ? [srv.ports.lmtp, srv.second.ports.lmtp] : [srv.ports.lmtp];
  const perFront = fronts.map(() => 0);
  const t0 = now();
  /** @param {unknown} _ @param {number} i */
  const worker = async (_, i) => {
    const f = i % fronts.length;
    const c = await LmtpClient.open(srv.host, /** @type {number} */ (fronts[f]));
    try {
      while (next < p.n && Date.now() < deadline) {
        const m = make(next++);
        const t = now();
        await c.deliver('sender@example.net', [USERS.main], m);
        lat.push(now() - t);
        bytes += m.length;
        perFront[f] = /** @type {number} */ (perFront[f]) + 1;
      }
    } finally { await c.quit(); }
  };
  await Promise.all(Array.from({ length: p.c }, worker));
  const s = (now() - t0) / 1000;
  emit('lmtp_ingest', {
    messages: lat.length, connections: p.c, seconds: r2(s), msgs_per_s: r2(lat.length / s), mb_per_s: r2(bytes / MB / s),
    p50_ms: r2(pct(lat, 50) ?? 0), p99_ms: r2(pct(lat, 99) ?? 0), timed_out: lat.length < p.n,
    ...(fronts.length > 1 ? { front_ends: fronts.length, messages_per_front_end: perFront } : {}),
  });
}

const META = 'UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)';

/** SELECT + metadata FETCH, cold (first after delivery) then warm (median of repeats). @param {Server} srv @param {Params} p @param {Emit} emit */
async function fetchMeta(srv, p, emit) {
  const once = async () => {
    const c = await imapLogin(srv, USERS.main);
    try {
      const t0 = now();
      await c.cmd('SELECT INBOX');
      const t1 = now();
      const r = await c.cmd(META, { keepUntagged: false, timeoutMs: p.phaseTimeoutMs });
      const t2 = now();
      return { select_ms: t1 - t0, fetch_ms: t2 - t1, messages: r.count, exists: c.exists };
    } finally { await c.logout(); }
  };
  const cold = await once();
  emit('imap_fetch_meta_cold', { ...round(cold), msgs_per_s: r2(cold.messages / (cold.fetch_ms / 1000)) });
  const warm = [];
  for (let i = 0; i < p.warmRuns; i++) warm.push(await once());
  const fetch = warm.map((w) => w.fetch_ms);
  const med = pct(fetch, 50) ?? 0;
  emit('imap_fetch_meta_warm', {
    runs: warm.length, select_ms: r2(pct(warm.map((w) => w.select_ms), 50) ?? 0), fetch_ms: r2(med),
    fetch_ms_min: r2(Math.min(...fetch)), fetch_ms_max: r2(Math.max(...fetch)), messages: warm[0]?.messages ?? 0,
    msgs_per_s: r2((warm[0]?.messages ?? 0) / (med / 1000)),
  });
}

/** @param {Record<string, number>} o */
function round(o) { return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r2(v)])); }

/** UID FETCH 1:* BODY.PEEK[]. @param {Server} srv @param {Params} p @param {Emit} emit */
async function fetchBodies(srv, p, emit) {
  const c = await imapLogin(srv, USERS.main);
  try {
    await c.cmd('SELECT INBOX');
    const t0 = now();
    const r = await c.cmd('UID FETCH 1:* BODY.PEEK[]', { keepUntagged: false, timeoutMs: p.phaseTimeoutMs });
    const s = (now() - t0) / 1000;
    emit('imap_fetch_body', { messages: r.count, bytes: r.literalBytes, seconds: r2(s), mb_per_s: r2(r.literalBytes / MB / s), msgs_per_s: r2(r.count / s) });
  } finally { await c.logout(); }
}

/**
 * The first SEARCH TEXT right after the burst of deliveries (a user who got a burst of mail and searches at
 * once): log in, SELECT, then one UID SEARCH TEXT, timed. @param {Server} srv @param {Emit} emit
 */
async function firstSearch(srv, emit) {
  const c = await imapLogin(srv, USERS.main);
  try {
    await c.cmd('SELECT INBOX');
    const t0 = now();
    const r = await c.cmd(`UID SEARCH TEXT ${RARE_WORD}`, { timeoutMs: 300_000 });
    const ms = now() - t0;
    const line = r.untagged.find((u) => u.startsWith('* SEARCH')) ?? '* SEARCH';
    emit('imap_search_text_after_burst', { criteria: `TEXT ${RARE_WORD}`, matches: line.split(' ').length - 2, ms: r2(ms) });
  } finally { await c.logout(); }
}

/** SEARCH TEXT/FROM/SINCE/SENTSINCE latency. @param {Server} srv @param {Params} p @param {Emit} emit */
async function searches(srv, p, emit) {
  const c = await imapLogin(srv, USERS.main);
  const yesterday = imapDate(new Date(Date.now() - 86_400_000));
  try {
    await c.cmd('SELECT INBOX');
    for (const [name, crit] of [
      ['imap_search_text', `TEXT ${RARE_WORD}`],
      ['imap_search_from', `FROM ${FROM_TARGET}`],
      ['imap_search_since', `SINCE ${yesterday}`],
      ['imap_search_sentsince', `SENTSINCE ${SENTSINCE_TARGET}`],
    ]) {
      const times = [];
      let matches = 0;
      for (let i = 0; i < p.searchRuns; i++) {
        const t0 = now();
        const r = await c.cmd(`UID SEARCH ${crit}`, { timeoutMs: p.phaseTimeoutMs });
        times.push(now() - t0);
        const line = r.untagged.find((u) => u.startsWith('* SEARCH')) ?? '* SEARCH';
        matches = line.split(' ').length - 2;
      }
      emit(name, { criteria: crit, matches, runs: times.length, first_ms: r2(times[0] ?? 0), p50_ms: r2(pct(times, 50) ?? 0), max_ms: r2(Math.max(...times)) });
    }
  } finally { await c.logout(); }
}

/** SORT (REVERSE DATE) and THREAD=REFERENCES over the whole mailbox (RFC 5256; issue 15 item 4). @param {Server} srv @param {Params} p @param {Emit} emit */
async function sorts(srv, p, emit) {
  const c = await imapLogin(srv, USERS.main);
  try {
    await c.cmd('SELECT INBOX');
    for (const [name, command] of [
      ['imap_sort_reverse_date', 'UID SORT (REVERSE DATE) UTF-8 ALL'],
      ['imap_thread_references', 'UID THREAD REFERENCES UTF-8 ALL'],
    ]) {
      const times = [];
      let ok = false;
      for (let i = 0; i < p.searchRuns; i++) {
        const t0 = now();
        const r = await c.cmd(command, { timeoutMs: p.phaseTimeoutMs });
        times.push(now() - t0);
        ok = r.untagged.some((u) => u.startsWith('* SORT') || u.startsWith('* THREAD'));
      }
      emit(name, { command, answered: ok, runs: times.length, first_ms: r2(times[0] ?? 0), p50_ms: r2(pct(times, 50) ?? 0), max_ms: r2(Math.max(...times)) });
    }
  } finally { await c.logout(); }
}

/** STORE on all messages, then on random single UIDs. @param {Server} srv @param {Params} p @param {Emit} emit */
async function stores(srv, p, emit) {
  const c = await imapLogin(srv, USERS.main);
  try {
    await c.cmd('SELECT INBOX');
    const all = await c.cmd('UID SEARCH ALL');
    const uids = (all.untagged.find((u) => u.startsWith('* SEARCH')) ?? '').split(' ').slice(2).map(Number);
    let t0 = now();
    await c.cmd('UID STORE 1:* +FLAGS.SILENT (\\Flagged)', { timeoutMs: p.phaseTimeoutMs });
    const setMs = now() - t0;
    t0 = now();
    await c.cmd('UID STORE 1:* -FLAGS.SILENT (\\Flagged)', { timeoutMs: p.phaseTimeoutMs });
    const clearMs = now() - t0;
    emit('imap_store_all', { messages: uids.length, set_ms: r2(setMs), clear_ms: r2(clearMs), msgs_per_s: r2(uids.length / (setMs / 1000)) });
    const r = rng(p.seed + 99);
    const lat = [];
    const deadline = Date.now() + p.phaseTimeoutMs;
    const t1 = now();
    for (let i = 0; i < p.singles && uids.length && Date.now() < deadline; i++) {
      const uid = uids[Math.floor(r() * uids.length)];
      const t = now();
      await c.cmd(`UID STORE ${uid} ${i % 2 ? '-' : '+'}FLAGS.SILENT (\\Answered)`);
      lat.push(now() - t);
    }
    const s = (now() - t1) / 1000;
    emit('imap_store_single', { ops: lat.length, ops_per_s: r2(lat.length / s), p50_ms: r2(pct(lat, 50) ?? 0), p99_ms: r2(pct(lat, 99) ?? 0) });
  } finally { await c.logout(); }
}

/** APPEND messages/s into another user's INBOX. @param {Server} srv @param {Params} p @param {Emit} emit */
async function appends(srv, p, emit) {
  const c = await imapLogin(srv, USERS.append);
  const msgs = Array.from({ length: p.appends }, (_, i) => message(p.seed, p.n + i, USERS.append));
  const lat = [];
  let bytes = 0;
  const deadline = Date.now() + p.phaseTimeoutMs;
  try {
    const t0 = now();
    for (const m of msgs) {
      if (Date.now() > deadline) break;
      const t = now();
      await c.append('INBOX', m);
      lat.push(now() - t);
      bytes += m.length;
    }
    const s = (now() - t0) / 1000;
    emit('imap_append', { messages: lat.length, msgs_per_s: r2(lat.length / s), mb_per_s: r2(bytes / MB / s), p50_ms: r2(pct(lat, 50) ?? 0), p99_ms: r2(pct(lat, 99) ?? 0) });
  } finally { await c.logout(); }
}

/** POP3 RETR of the whole maildrop. @param {Server} srv @param {Params} p @param {Emit} emit */
async function pop3(srv, p, emit) {
  const c = await Pop3Client.open(srv.host, srv.ports.pop3);
  try {
    await c.login(USERS.main, PASSWORD);
    const stat = await c.cmd('STAT');
    const count = Number(stat.split(' ')[1]);
    const t0 = now();
    const bytes = await c.retrAll(count, 8, p.phaseTimeoutMs);
    const s = (now() - t0) / 1000;
    emit('pop3_retr', { messages: count, bytes, seconds: r2(s), mb_per_s: r2(bytes / MB / s), msgs_per_s: r2(count / s) });
  } finally { await c.quit(); }
}

/**
 * Opens IDLE connections (log in, SELECT INBOX, IDLE) until `conns` holds `k`, 16 at a time, until the deadline.
 * @param {Server} srv @param {ImapClient[]} conns @param {number} k @param {number} deadline
 */
async function openIdle(srv, conns, k, deadline) {
  let failures = 0;
  let firstError = '';
  let next = conns.length;
  const opener = async () => {
    while (next < k && Date.now() < deadline) {
      next++;
      try {
        // postern-pg: on front end B (the deliveries go through A: EXISTS crosses front ends).
        const c = await imapLoginAt(srv, (srv.second ?? srv).ports.imap, USERS.idle);
        await c.cmd('SELECT INBOX');
        await c.idle();
        conns.push(c);
      } catch (e) {
        failures++;
        if (!firstError) firstError = String(e instanceof Error ? e.message : e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, Math.max(1, k - conns.length)) }, opener));
  return { failures, firstError };
}

/** A fresh server process, and its memory once quiet: steady within 1 MB over 1 s, or 20 s at most. @param {Server} srv */
async function restartQuiet(srv) {
  await srv.restart();
  // Start-up work such as Postern catching up its full-text index grows and then frees memory.
  let before = srv.memory();
  for (const until = Date.now() + 20_000; Date.now() < until; ) {
    await sleep(1000);
    const m = srv.memory();
    const steady = Math.abs(m.rssKb - before.rssKb) < 1024;
    before = m;
    if (steady) break;
  }
  return before;
}

/**
 * LMTP deliveries to the IDLE user: per delivery, the time from its start until each connection has read
 * `* n EXISTS`. @param {Server} srv @param {Params} p @param {ImapClient[]} conns
 */
async function idleDeliveries(srv, p, conns) {
  const lmtp = await LmtpClient.open(srv.host, srv.ports.lmtp);
  const lat = [];
  const acks = [];
  /** @type {Array<Record<string, number>>} */ const perDelivery = [];
  let missed = 0;
  try {
    for (let d = 0; d < p.idleDeliveries; d++) {
      const target = Math.max(...conns.map((c) => c.exists)) + 1;
      const seen = conns.map((c) => new Promise((resolve) => {
        const timer = setTimeout(() => { c.onExists = null; resolve(null); }, p.idleTimeoutMs);
        const check = () => { if (c.exists >= target) { clearTimeout(timer); c.onExists = null; resolve(now()); } };
        c.onExists = check;
        check();
      }));
      const msg = dotStuff(message(p.seed, 900_000 + d, USERS.idle));
      const start = now();
      await lmtp.deliver('sender@example.net', [USERS.idle], msg);
      const ack = now() - start;
      acks.push(ack);
      const mine = [];
      for (const t of await Promise.all(seen)) {
        if (t === null) missed++;
        else mine.push(/** @type {number} */ (t) - start);
      }
      lat.push(...mine);
      perDelivery.push({ ack_ms: r2(ack), p50_ms: r2(pct(mine, 50) ?? 0), p99_ms: r2(pct(mine, 99) ?? 0), notified: mine.length });
      await sleep(200);
    }
  } finally { await lmtp.quit(); }
  return {
    deliveries: p.idleDeliveries, delivery_ack_ms: r2(pct(acks, 50) ?? 0),
    p50_ms: r2(pct(lat, 50) ?? 0), p99_ms: r2(pct(lat, 99) ?? 0), max_ms: r2(lat.length ? Math.max(...lat) : 0),
    notified: lat.length, missed, timeout_ms: p.idleTimeoutMs, per_delivery: perDelivery,
  };
}

/**
 * K connections in IDLE: server memory per connection, then time until each sees EXISTS after an LMTP delivery.
 * @param {Server} srv @param {Params} p @param {Emit} emit
 */
async function idle(srv, p, emit) {
  // A fresh server process: the baseline is not inflated (or later shrunk by GC) by the earlier workloads.
  const before = await restartQuiet(srv);
  /** @type {ImapClient[]} */ const conns = [];
  const t0 = now();
  try {
    const { failures, firstError } = await openIdle(srv, conns, p.k, Date.now() + p.phaseTimeoutMs);
    const connectS = (now() - t0) / 1000;
    await sleep(2000);
    const after = srv.memory();
    const n = Math.max(1, conns.length);
    const seen = await idleDeliveries(srv, p, conns);
    emit('imap_idle', {
      ...(srv.second ? { idle_front_end: 'B', deliveries_front_end: 'A' } : {}),
      connections: conns.length, failures, first_error: firstError || undefined, connect_seconds: r2(connectS),
      rss_before_kb: before.rssKb, rss_after_kb: after.rssKb,
      rss_per_conn_kb: r2((after.rssKb - before.rssKb) / n), pss_per_conn_kb: r2((after.pssKb - before.pssKb) / n),
      processes_after: after.processes, imap_processes: after.imapProcesses,
      imap_rss_per_conn_kb: srv.name === 'dovecot' ? r2(after.imapRssKb / Math.max(1, after.imapProcesses)) : undefined,
      ...seen,
    });
  } finally {
    for (const c of conns) c.close();
    await sleep(500);
  }
}

/** Least-squares line y = a + b·x. @param {number[]} xs @param {number[]} ys */
export function linearFit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = /** @type {number} */ (xs[i]) - mx;
    const dy = /** @type {number} */ (ys[i]) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

/**
 * The `idle` mode (issue 17 item 3): one fresh server process, the IDLE user's INBOX filled with
 * `idleMessages` messages, then IDLE connections opened in steps up to each K of `ks` (ascending); at each step
 * the server's memory (median of 3 samples 1 s apart, after 2 s). The cost of a connection is the slope of a
 * least-squares line through (K, memory), not one before/after delta (which the collector moves by ±20 MB).
 * Then the deliveries at the largest K: the first one is the first delivery after the start.
 * @param {Server} srv @param {Params} p @param {{ks: number[], idleMessages: number}} o @param {Emit} emit
 */
export async function idleScaling(srv, p, o, emit) {
  const ks = [...o.ks].sort((a, b) => a - b);
  if (o.idleMessages > 0) {
    await ingestTo(srv, p, USERS.idle, o.idleMessages, emit);
  }
  const before = await restartQuiet(srv);
  /** @type {ImapClient[]} */ const conns = [];
  /** @type {Array<{k: number, rss_kb: number, pss_kb: number, connect_seconds: number}>} */ const steps = [];
  let failures = 0;
  let firstError = '';
  const deadline = Date.now() + p.phaseTimeoutMs * ks.length;
  try {
    for (const k of ks) {
      const t0 = now();
      const r = await openIdle(srv, conns, k, deadline);
      failures += r.failures;
      if (!firstError) firstError = r.firstError;
      const connectS = (now() - t0) / 1000;
      await sleep(2000);
      /** @type {Array<{rssKb: number, pssKb: number}>} */ const samples = [];
      for (let i = 0; i < 3; i++) { if (i) await sleep(1000); samples.push(srv.memory()); }
      const step = {
        k: conns.length, rss_kb: /** @type {number} */ (pct(samples.map((s) => s.rssKb), 50)),
        pss_kb: /** @type {number} */ (pct(samples.map((s) => s.pssKb), 50)), connect_seconds: r2(connectS),
      };
      steps.push(step);
      emit('imap_idle_step', { ...step, rss_per_conn_kb: r2((step.rss_kb - before.rssKb) / Math.max(1, step.k)) });
    }
    const xs = steps.map((s) => s.k);
    const rss = linearFit(xs, steps.map((s) => s.rss_kb));
    const pss = linearFit(xs, steps.map((s) => s.pss_kb));
    const seen = await idleDeliveries(srv, p, conns);
    emit('imap_idle_fit', {
      ...(srv.second ? { idle_front_end: 'B', deliveries_front_end: 'A' } : {}),
      ks: xs, idle_messages: o.idleMessages, connections: conns.length, failures, first_error: firstError || undefined,
      rss_before_kb: before.rssKb, rss_per_conn_kb: r2(rss.slope), rss_fit_r2: r2(rss.r2), rss_intercept_kb: Math.round(rss.intercept),
      pss_per_conn_kb: r2(pss.slope), pss_fit_r2: r2(pss.r2), pss_intercept_kb: Math.round(pss.intercept),
      ...seen,
    });
  } finally {
    for (const c of conns) c.close();
    await sleep(500);
  }
}

/** Fills one user's INBOX over 4 LMTP connections (the idle mode's messages). @param {Server} srv @param {Params} p @param {string} user @param {number} n @param {Emit} emit */
async function ingestTo(srv, p, user, n, emit) {
  let next = 0;
  const deadline = Date.now() + p.phaseTimeoutMs;
  const t0 = now();
  const worker = async () => {
    const c = await LmtpClient.open(srv.host, srv.ports.lmtp);
    try {
      while (next < n && Date.now() < deadline) await c.deliver('sender@example.net', [user], dotStuff(message(p.seed, next++, user)));
    } finally { await c.quit(); }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  emit('idle_inbox_filled', { messages: Math.min(next, n), seconds: r2((now() - t0) / 1000) });
}
