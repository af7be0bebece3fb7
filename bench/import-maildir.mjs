// Measurement for issue 16 item 1 (not part of the test suite): writes a Maildir in Dovecot's layout with N
// messages (dovecot-uidlist, dovecot-keywords, some flags and keywords), then runs `postern import dovecot` on it
// against a fresh temporary home and reports the wall time and the importer's peak RSS (VmHWM, sampled).
// Usage: node bench/import-maildir.mjs [N=100000]   (build first: npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const n = Number(process.argv[2] ?? 100_000);
const bin = new URL('../bin/postern.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'postern-import-bench-'));
const root = join(dir, 'Maildir');
for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, sub), { recursive: true });
writeFileSync(join(root, 'dovecot-keywords'), '0 $Forwarded\n1 Work\n');
const lines = [`3 V1700000000 N${n + 1} G0123456789abcdef0123456789abcdef`];
let bytes = 0;
const t0 = Date.now();
for (let i = 1; i <= n; i++) {
  const body = `From: sender${i % 97}@example.org\nTo: alice@example.org\nSubject: message ${i} about topic ${i % 13}\n` +
    `Date: Mon, 7 Dec 2026 16:06:07 +0000\nMessage-ID: <m${i}@example.org>\nContent-Type: text/plain; charset=utf-8\n\n` +
    `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(1 + (i % 40))}\nmessage ${i}\n`;
  const vsize = Buffer.byteLength(body) + body.split('\n').length - 1;
  const base = `1700000000.M${i}P1.bench,S=${Buffer.byteLength(body)},W=${vsize}`;
  const info = ['', 'S', 'Sa', 'FS', 'RSb'][i % 5];
  writeFileSync(join(root, 'cur', `${base}:2,${info}`), body);
  lines.push(`${i} :${base}`);
  bytes += vsize;
}
writeFileSync(join(root, 'dovecot-uidlist'), `${lines.join('\n')}\n`);
console.log(`wrote ${n} messages (${(bytes / 1048576).toFixed(1)} MiB served) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

writeFileSync(join(dir, 'postern.yaml'), 'hostname: bench.example\nlisteners: []\nauth: { scramIterations: 4096 }\n');
const env = { ...process.env, POSTERN_HOME: dir, POSTERN_CONFIG: join(dir, 'postern.yaml') };
spawnSync(process.execPath, [bin, 'user', 'add', 'alice'], { env, input: 'secret\n' });

const start = Date.now();
const child = spawn(process.execPath, [bin, 'import', 'dovecot', 'alice', root], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => (out += d));
let peakKb = 0;
let importEndMs = 0;
const sample = setInterval(() => {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  } catch { /* exited */ }
  if (importEndMs === 0 && /imported \d+ messages/.test(out)) importEndMs = Date.now();
}, 100);
const code = await new Promise((r) => child.on('exit', r));
clearInterval(sample);
const total = (Date.now() - start) / 1000;
console.log(out.trim());
console.log(`exit ${code}; import ${(((importEndMs || Date.now()) - start) / 1000).toFixed(1)} s, import + verify ${total.toFixed(1)} s, ` +
  `${Math.round(n / ((((importEndMs || Date.now()) - start) / 1000)))} messages/s; peak RSS ${(peakKb / 1024).toFixed(0)} MiB`);
const db = readFileSync(join(dir, 'data/postern.sqlite')).length;
console.log(`database ${(db / 1048576).toFixed(0)} MiB`);
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
