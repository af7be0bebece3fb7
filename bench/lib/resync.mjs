// Benchmark workload `resync` (issue 15 "Done means"; RFC 7162 §3.2.5): reconnecting after a few changes with
// QRESYNC against a plain SELECT and a full FLAGS fetch, timed and counted in octets received.
import { rng } from './messages.mjs';

/** @typedef {import('./clients.mjs').ImapClient} ImapClient */

/** @param {number} x */
const r2 = (x) => Math.round(x * 100) / 100;
const now = () => performance.now();

/** Expands a UID set without `*` ("1:3,7") into its UIDs. @param {string} set */
function uidSet(set) {
  /** @type {number[]} */ const out = [];
  for (const part of set.split(',')) {
    const [a, b] = part.split(':').map(Number);
    const lo = Math.min(Number(a), Number(b ?? a));
    const hi = Math.max(Number(a), Number(b ?? a));
    for (let u = lo; u <= hi && out.length < 10_000_000; u++) out.push(u);
  }
  return out;
}

/**
 * Reconnect after a few changes (issue 15 "Done means"; RFC 7162 §3.2.5): a client syncs (UIDVALIDITY,
 * HIGHESTMODSEQ, flags) and leaves; another session makes 10 flag changes and 5 expunges; then the client comes
 * back (a) with `ENABLE QRESYNC` + `SELECT INBOX (QRESYNC (v m))` and (b) with a plain `SELECT` and
 * `UID FETCH 1:* (FLAGS)`. Each is timed from the SELECT to the last tagged OK, with the octets received.
 * @param {import('./workloads.mjs').Params} p @param {import('./workloads.mjs').Emit} emit
 * @param {() => Promise<ImapClient>} login a new session of the mailbox's user, logged in
 * @param {(xs: number[], p: number) => number|null} pct percentile
 */
export async function resync(p, emit, login, pct) {
  // The client's first sync.
  const a = await login();
  let uidValidity = '';
  let modseq = '';
  /** @type {number[]} */ let uids = [];
  try {
    await a.cmd('ENABLE QRESYNC');
    const sel = await a.cmd('SELECT INBOX');
    for (const u of sel.untagged) {
      uidValidity = /\[UIDVALIDITY (\d+)\]/.exec(u)?.[1] ?? uidValidity;
      modseq = /\[HIGHESTMODSEQ (\d+)\]/.exec(u)?.[1] ?? modseq;
    }
    const f = await a.cmd('UID FETCH 1:* (FLAGS)', { timeoutMs: p.phaseTimeoutMs });
    uids = f.untagged.map((u) => Number(/UID (\d+)/.exec(u)?.[1] ?? 0)).filter((u) => u > 0);
  } finally { await a.logout(); }
  if (!uidValidity || !modseq) throw new Error('resync: SELECT after ENABLE QRESYNC gave no UIDVALIDITY or HIGHESTMODSEQ');

  // Another session: 10 flag changes and 5 expunges on distinct, seeded random messages.
  const r = rng(p.seed + 15);
  const pool = [...uids];
  /** @type {number[]} */ const picked = [];
  while (picked.length < 15 && pool.length > 0) picked.push(...pool.splice(Math.floor(r() * pool.length), 1));
  const flagged = picked.slice(0, 10);
  const expunged = picked.slice(10);
  const b = await login();
  try {
    await b.cmd('SELECT INBOX');
    for (const uid of flagged) await b.cmd(`UID STORE ${uid} +FLAGS.SILENT (\\Flagged $Resync)`);
    await b.cmd(`UID STORE ${expunged.join(',')} +FLAGS.SILENT (\\Deleted)`);
    await b.cmd(`UID EXPUNGE ${expunged.join(',')}`);
  } finally { await b.logout(); }

  /** @param {boolean} qresync */
  const reconnect = async (qresync) => {
    const c = await login();
    try {
      if (qresync) await c.cmd('ENABLE QRESYNC');
      const before = c.bytesIn;
      const t0 = now();
      const sel = await c.cmd(qresync ? `SELECT INBOX (QRESYNC (${uidValidity} ${modseq}))` : 'SELECT INBOX', { timeoutMs: p.phaseTimeoutMs });
      const all = qresync ? sel.untagged : [...sel.untagged, ...(await c.cmd('UID FETCH 1:* (FLAGS)', { timeoutMs: p.phaseTimeoutMs })).untagged];
      const ms = now() - t0;
      const vanished = new Set(all.flatMap((u) => { const m = /^\* VANISHED \(EARLIER\) (\S+)/.exec(u); return m ? uidSet(m[1] ?? '') : []; }));
      const fetched = new Set(all.flatMap((u) => (/^\* \d+ FETCH .*\$Resync/.test(u) ? [Number(/UID (\d+)/.exec(u)?.[1])] : [])));
      const present = new Set(all.flatMap((u) => (/^\* \d+ FETCH /.test(u) ? [Number(/UID (\d+)/.exec(u)?.[1])] : [])));
      // What the client needs: every change seen, every expunge known (as VANISHED, or by its absence in a full fetch).
      const complete = flagged.every((u) => fetched.has(u)) && expunged.every((u) => (qresync ? vanished.has(u) : !present.has(u)));
      return { ms, bytes: c.bytesIn - before, fetchLines: present.size, vanished: vanished.size, complete };
    } finally { await c.logout(); }
  };
  /** @param {boolean} qresync */
  const runs = async (qresync) => {
    const out = [];
    for (let i = 0; i < p.searchRuns; i++) out.push(await reconnect(qresync));
    return out;
  };
  const q = await runs(true);
  const f = await runs(false);
  const qMs = pct(q.map((x) => x.ms), 50) ?? 0;
  const fMs = pct(f.map((x) => x.ms), 50) ?? 0;
  const q0 = q[0];
  const f0 = f[0];
  if (!q0 || !f0) return;
  emit('imap_resync_qresync', {
    flag_changes: flagged.length, expunges: expunged.length, runs: q.length, first_ms: r2(q0.ms), p50_ms: r2(qMs),
    bytes: q0.bytes, fetch_lines: q0.fetchLines, vanished: q0.vanished, complete: q.every((x) => x.complete),
    times_faster_than_full: r2(qMs > 0 ? fMs / qMs : 0), times_fewer_bytes_than_full: r2(q0.bytes > 0 ? f0.bytes / q0.bytes : 0),
  });
  emit('imap_resync_full', {
    runs: f.length, first_ms: r2(f0.ms), p50_ms: r2(fMs), bytes: f0.bytes, fetch_lines: f0.fetchLines, complete: f.every((x) => x.complete),
  });
}
