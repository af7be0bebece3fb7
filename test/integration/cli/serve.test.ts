// R10.1, R10.5, R5.5: `postern serve` starts with an embedded default — a database and a generated
// certificate whose fingerprint it logs — reloads on SIGHUP and stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, tempHome } from '../../support/cli.js';

interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

const home = tempHome('hostname: serve.test.example\nlisteners:\n  - { protocol: imap, port: 0 }\nlog: { level: info }\n');
afterAll(() => home.cleanup());

function waitFor(lines: LogLine[], pred: (l: LogLine) => boolean, ms = 20_000): Promise<LogLine> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = (): void => {
      const found = lines.find(pred);
      if (found) resolve(found);
      else if (Date.now() - start > ms) reject(new Error(`timed out; log so far:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`));
      else setTimeout(tick, 25);
    };
    tick();
  });
}

describe('postern serve', () => {
  it('generates a certificate, opens the database, reloads on SIGHUP and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: LogLine[] = [];
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as LogLine);
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(lines, (l) => l.msg === 'ready');
      const generated = await waitFor(lines, (l) => /self-signed/.test(l.msg));
      const cert = new X509Certificate(readFileSync(join(home.dir, 'certs/server.crt')));
      expect(generated.fingerprint256).toBe(cert.fingerprint256);
      expect(cert.subjectAltName).toMatch(/DNS:serve\.test\.example/);
      expect(cert.subjectAltName).toMatch(/DNS:localhost/);
      expect(cert.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);
      expect(existsSync(join(home.dir, 'data/postern.sqlite'))).toBe(true);
      // The configured IMAP listener is up, on the port the system chose.
      const listening = await waitFor(lines, (l) => l.msg === 'listening' && String(l.listener).startsWith('imap'));
      expect(listening.port).toBeGreaterThan(0);

      child.kill('SIGHUP');
      await waitFor(lines, (l) => l.msg === 'TLS certificate reloaded');

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a second start reuses the certificate instead of generating another', async () => {
    const first = readFileSync(join(home.dir, 'certs/server.crt'), 'utf8');
    const child = spawn(process.execPath, [BIN, 'serve'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('"msg":"ready"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(out).toContain('"msg":"ready"');
      expect(out).not.toMatch(/self-signed/);
      expect(readFileSync(join(home.dir, 'certs/server.crt'), 'utf8')).toBe(first);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
