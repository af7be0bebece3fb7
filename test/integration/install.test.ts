// Issue 16 item 9: an installation without the dev dependencies (`npm ci --omit=dev`) starts from the built
// dist/ (`npm start` runs no TypeScript), and the prepare step neither fails nor hides a missing build. The
// copy gets a node_modules holding only the runtime dependencies of package.json, linked to the real ones, so
// nothing here needs the network.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the installable parts (timestamps kept, so the copied dist/ is as fresh as the original). */
function copyInstall(dir: string): void {
  for (const part of ['package.json', 'tsconfig.json', 'bin', 'scripts', 'src', 'dist', 'migrations', 'config']) {
    if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(dir, part), { recursive: true, preserveTimestamps: true });
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
}

/** The first line a TCP server sends. */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.setTimeout(10_000, () => {
      sock.destroy();
      reject(new Error(`no greeting; got ${JSON.stringify(got)}`));
    });
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n');
      if (end >= 0) {
        sock.destroy();
        resolve(got.slice(0, end));
      }
    });
    sock.on('error', reject);
  });
}

describe('an installation without dev dependencies (npm ci --omit=dev)', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const builtMain = (): string => join(dir, 'dist/cli/main.js');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'postern-install-'));
    copyInstall(dir);
    writeFileSync(join(dir, 'postern.yaml'), 'hostname: install.test.example\nlisteners:\n  - { protocol: imap, port: 0 }\nlog: { level: info }\n');
    env = {
      ...process.env,
      POSTERN_HOME: dir,
      POSTERN_CONFIG: join(dir, 'postern.yaml'),
      npm_config_update_notifier: 'false',
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('has no TypeScript to run: the copy is what --omit=dev leaves', () => {
    const req = createRequire(join(dir, 'package.json'));
    expect(() => req.resolve('typescript/bin/tsc')).toThrow();
    expect(() => req.resolve('better-sqlite3')).not.toThrow();
  });

  it('npm start serves from the built dist/ without compiling, and answers the IMAP greeting', async () => {
    const builtAt = statSync(builtMain()).mtimeMs;
    // detached: npm runs the server through a shell; the whole process group is stopped at the end.
    const child = spawn('npm', ['start'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let done = false;
    void exited.then(() => (done = true));
    try {
      let port = 0;
      const deadline = Date.now() + 45_000;
      while (port === 0 && !done && Date.now() < deadline) {
        for (const line of out.split('\n')) {
          if (!line.startsWith('{')) continue;
          const l = JSON.parse(line) as { msg?: string; listener?: string; port?: number };
          if (l.msg === 'listening' && String(l.listener).startsWith('imap') && typeof l.port === 'number') port = l.port;
        }
        if (port === 0) await sleep(50);
      }
      expect(port, `npm start did not listen; stdout:\n${out}\nstderr:\n${err}`).toBeGreaterThan(0);
      expect(await greeting(port)).toMatch(/^\* OK /);
      expect(statSync(builtMain()).mtimeMs).toBe(builtAt);
      expect(err).not.toMatch(/tsc|not found|ERR!/);
    } finally {
      if (!done && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (!done && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }
  }, 60_000);

  it('the prepare step keeps a stale build when TypeScript is absent, and says so', () => {
    const builtAt = statSync(builtMain()).mtimeMs;
    const later = new Date(builtAt + 60_000);
    utimesSync(join(dir, 'src/cli/main.ts'), later, later);
    const r = run(process.execPath, ['scripts/build-if-stale.mjs'], dir, env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/older than src\/.*existing build/);
    expect(statSync(builtMain()).mtimeMs).toBe(builtAt);
  });

  it('the prepare step rebuilds a stale dist/ when TypeScript is present', () => {
    // A stand-in compiler at node_modules/typescript records how it was called, so no real build runs here.
    const fake = join(dir, 'node_modules/typescript');
    mkdirSync(join(fake, 'bin'), { recursive: true });
    writeFileSync(join(fake, 'package.json'), '{ "name": "typescript", "version": "0.0.0-test" }\n');
    writeFileSync(join(fake, 'bin/tsc'), "require('node:fs').writeFileSync(process.env.TSC_CALLED, process.argv.slice(2).join(' '));\n");
    const marker = join(dir, 'tsc-called');
    try {
      const r = run(process.execPath, ['scripts/build-if-stale.mjs'], dir, { ...env, TSC_CALLED: marker });
      expect(r.code).toBe(0);
      expect(readFileSync(marker, 'utf8')).toBe(`-p ${join(dir, 'tsconfig.json')}`);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('without dist/ the prepare step still succeeds, explaining, and postern says to build', () => {
    renameSync(join(dir, 'dist'), join(dir, 'dist.moved'));
    try {
      const prep = run(process.execPath, ['scripts/build-if-stale.mjs'], dir, env);
      expect(prep.code).toBe(0);
      expect(prep.stderr).toMatch(/dist\/ is not built and TypeScript is not installed/);
      const cli = run(process.execPath, ['bin/postern.js', '--version'], dir, env);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/not built \(dist\/ is missing\): run `npm install` or `npm run build`/);
      expect(cli.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at /);
    } finally {
      renameSync(join(dir, 'dist.moved'), join(dir, 'dist'));
    }
  });
});
