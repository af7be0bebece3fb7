// Integration test of the benchmark harness (issue 7): `npm run bench -- --quick` emits a JSON line per workload and server;
// with PostgreSQL installed, also the server kind postern-pg (issue 18: two front ends over one database).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPgBin } from '../../bench/lib/pg-cluster.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const WORKLOADS = [
  'lmtp_ingest',
  'imap_fetch_meta_cold',
  'imap_fetch_meta_warm',
  'imap_fetch_body',
  'imap_search_text',
  'imap_search_from',
  'imap_search_since',
  'imap_search_sentsince',
  'imap_sort_reverse_date',
  'imap_thread_references',
  'pop3_retr',
  'imap_store_all',
  'imap_store_single',
  'imap_resync_qresync',
  'imap_resync_full',
  'imap_append',
  'imap_login_storm',
  'imap_login_wrong_burst',
  'imap_login_many_users',
  'imap_idle',
];

interface Line {
  server: string;
  workload: string;
  [k: string]: unknown;
}

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGINT (forwarded by npm) lets the bench stop the servers it started before exiting.
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parse(stdout: string): Line[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}

describe('npm run bench -- --quick', () => {
  it('runs every workload against each server and prints JSON lines and the ratio table', async () => {
    // postern-pg has its own test below (each run within its own time limit).
    const { code, stdout, stderr } = await runBench(['--quick', '--servers', 'postern,dovecot'], 55_000);
    expect(code, stderr).toBe(0);
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
    const servers = [...new Set(lines.filter((l) => l.workload === 'server').map((l) => l.server))];
    expect(servers).toContain('postern');
    expect(lines.filter((l) => l.workload === 'error')).toEqual([]);
    for (const server of servers) {
      const mine = lines.filter((l) => l.server === server);
      expect(mine.map((l) => l.workload)).toEqual(expect.arrayContaining(WORKLOADS));
      const get = (w: string): Line => mine.find((l) => l.workload === w) as Line;
      expect(get('lmtp_ingest').messages).toBe(60);
      expect(get('lmtp_ingest').msgs_per_s).toBeGreaterThan(0);
      expect(get('imap_fetch_meta_cold').messages).toBe(60);
      expect(get('imap_fetch_body').bytes).toBeGreaterThan(60 * 2000);
      expect(get('imap_search_text').matches).toBeGreaterThanOrEqual(1);
      expect(get('pop3_retr').messages).toBe(60);
      expect(get('imap_sort_reverse_date').answered).toBe(true);
      expect(get('imap_thread_references').answered).toBe(true);
      // Resync after 10 flag changes and 5 expunges: both ways tell the client everything; QRESYNC sends less.
      expect(get('imap_resync_qresync')).toMatchObject({ flag_changes: 10, expunges: 5, complete: true, vanished: 5 });
      expect(get('imap_resync_full')).toMatchObject({ complete: true, fetch_lines: 55 });
      expect(get('imap_resync_qresync').bytes).toBeLessThan(get('imap_resync_full').bytes as number);
      expect(get('imap_append').messages).toBe(20);
      // Issue 17 item 1, over IMAPS: every right password gets in, every wrong one is refused.
      expect(get('imap_login_storm')).toMatchObject({ tls: true, connections: 8, failures: 0 });
      expect(get('imap_login_storm').repeated_logins).toBeGreaterThan(0);
      expect(get('imap_login_many_users')).toMatchObject({ tls: true, accounts: 10, failures: 0 });
      const burst = get('imap_login_wrong_burst');
      expect(burst.wrong_logins).toBeGreaterThanOrEqual(20);
      expect(burst).toMatchObject({ refused: burst.wrong_logins, other: 0 });
      expect(get('imap_idle').connections).toBe(8);
      expect(get('imap_idle').missed).toBe(0);
    }
    expect(stdout).toMatch(/Postern \/ Dovecot ratio/);
    expect(stdout).toMatch(/LMTP ingest msgs\/s\s+higher is better/);
  }, 60_000);
});

describe('npm run bench -- --idle-ks (issue 17 item 3)', () => {
  it('opens IDLE connections in steps, fits memory per connection over them and delivers at the largest K', async () => {
    const { code, stdout, stderr } = await runBench(['--quick', '--servers', 'postern', '--idle-ks', '4,8', '--idle-messages', '5'], 55_000);
    expect(code, stderr).toBe(0);
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
    expect(lines.filter((l) => l.workload === 'error')).toEqual([]);
    expect(lines.find((l) => l.workload === 'idle_inbox_filled')?.messages).toBe(5);
    expect(lines.filter((l) => l.workload === 'imap_idle_step').map((l) => l.k)).toEqual([4, 8]);
    const fit = lines.find((l) => l.workload === 'imap_idle_fit') as Line;
    expect(fit).toMatchObject({ ks: [4, 8], connections: 8, failures: 0, missed: 0, notified: 8 });
    // Two steps: the fitted line goes through both, its slope is their difference over 4 connections.
    const [a, b] = lines.filter((l) => l.workload === 'imap_idle_step') as Array<Line & { rss_kb: number; pss_kb: number }>;
    expect(fit.rss_per_conn_kb).toBeCloseTo((b!.rss_kb - a!.rss_kb) / 4, 1);
    expect(fit.pss_per_conn_kb).toBeCloseTo((b!.pss_kb - a!.pss_kb) / 4, 1);
    // The full run's workloads are not part of the idle mode.
    expect(lines.some((l) => l.workload === 'lmtp_ingest')).toBe(false);
  }, 60_000);
});

describe.skipIf(findPgBin() === null)('npm run bench -- --quick --servers postern-pg (issue 18)', () => {
  it('runs every workload on two front ends over one durable PostgreSQL: ingest through both, IDLE on B', async () => {
    const { code, stdout, stderr } = await runBench(['--quick', '--servers', 'postern-pg'], 85_000);
    expect(code, stderr).toBe(0);
    const lines = parse(stdout);
    expect(lines.filter((l) => l.workload === 'error')).toEqual([]);
    const server = lines.find((l) => l.workload === 'server') as Line;
    expect(server).toMatchObject({ server: 'postern-pg', front_ends: 2, postgres: { durable: true, fsync: 'on', synchronous_commit: 'on' } });
    const mine = lines.filter((l) => l.server === 'postern-pg');
    expect(mine.map((l) => l.workload)).toEqual(expect.arrayContaining(WORKLOADS));
    const get = (w: string): Line => mine.find((l) => l.workload === w) as Line;
    // Both front ends ingest at once (C = 2: one connection each) into one mailbox.
    const ingest = get('lmtp_ingest');
    expect(ingest).toMatchObject({ messages: 60, front_ends: 2 });
    const [viaA, viaB] = ingest.messages_per_front_end as number[];
    expect(viaA).toBeGreaterThan(0);
    expect(viaB).toBeGreaterThan(0);
    expect(viaA! + viaB!).toBe(60);
    expect(get('imap_fetch_meta_cold').messages).toBe(60);
    expect(get('pop3_retr').messages).toBe(60);
    expect(get('imap_resync_qresync')).toMatchObject({ complete: true, vanished: 5 });
    expect(get('imap_login_many_users')).toMatchObject({ accounts: 10, failures: 0 });
    // IDLE on B learns of deliveries made through A.
    expect(get('imap_idle')).toMatchObject({ idle_front_end: 'B', deliveries_front_end: 'A', connections: 8, missed: 0, notified: 8 });
    expect(stdout).toMatch(/LMTP ingest msgs\/s\s+higher is better\s+-\s+\d/);
    expect(stdout).toMatch(/PG\/D/);
  }, 90_000);
});
