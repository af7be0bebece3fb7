// Runs the compiled `postern` command in a child process against a temporary home, as an administrator would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = new URL('../../bin/postern.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TempHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], input?: string): Promise<CliResult>;
  cleanup(): void;
}

/** A temporary Postern home with its own config file (no listeners unless given). */
export function tempHome(configYaml = 'hostname: test.example\nlisteners: []\n'): TempHome {
  const dir = mkdtempSync(join(tmpdir(), 'postern-cli-'));
  writeFileSync(join(dir, 'postern.yaml'), configYaml);
  const env = { ...process.env, POSTERN_HOME: dir, POSTERN_CONFIG: join(dir, 'postern.yaml') };
  return {
    dir,
    env,
    run: (args, input) => runCli(args, env, input),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
