// Issue 12 hole 16: with the usual umask 022, every file holding mail, credentials or keys is created private —
// data/ 0700; the database, its -wal and -shm, the text index and its own, backups, keys and PKCS#12 bundles
// 0600 — and `postern check` reports (exit 1) and `--repair` tightens a file that is open to other users.
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import { tempHome, type TempHome } from '../../support/cli.js';
import { createLogger } from '../../../src/log/logger.js';
import { startServer } from '../../../src/main.js';
import { emptyResolver, startTestServer } from '../../support/server.js';

let home: TempHome;
let savedUmask: number;

beforeAll(() => {
  savedUmask = process.umask(0o022); // the CLI children inherit it
  home = tempHome('hostname: test.example\nlisteners: []\nauth: { scramIterations: 4096 }\n');
});
afterAll(() => {
  home.cleanup();
  process.umask(savedUmask);
});

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(3, '0');
const db = (): string => join(home.dir, 'data/postern.sqlite');

describe('files at rest are private whatever the umask (issue 12 hole 16)', () => {
  it('a running server: data/ 0700; store, text index and their -wal/-shm 0600', async () => {
    const t = await startTestServer({ listeners: 'listeners: []\n' });
    try {
      const user = await t.addUser('ivy@example.org', 'pw');
      await t.server.store.deliver({
        body: Buffer.from('Subject: hi\r\n\r\nsecret words\r\n'),
        recipients: [{ userId: user, prefix: Buffer.alloc(0) }],
        internalDate: new Date(),
        requireTls: false,
        tlsRequiredNo: false,
        forgedFields: 0,
      });
      const store = join(t.dir, 'data/postern.sqlite');
      const text = textIndexPath(store);
      expect(modeOf(join(t.dir, 'data'))).toBe('700');
      const files = [store, `${store}-wal`, `${store}-shm`, text, `${text}-wal`, `${text}-shm`].filter((f) => existsSync(f));
      expect(files).toContain(`${store}-wal`);
      expect(files).toContain(`${store}-shm`);
      expect(files).toContain(text);
      expect(Object.fromEntries(files.map((f) => [f, modeOf(f)]))).toEqual(Object.fromEntries(files.map((f) => [f, '600'])));
      expect(modeOf(join(t.dir, 'certs'))).toBe('700');
      expect(modeOf(join(t.dir, 'certs/server.key'))).toBe('600');
    } finally {
      await t.stop();
    }
  });

  it('the CLI creates data/ 0700 and the store 0600; `postern backup` writes 0600', async () => {
    expect((await home.run(['user', 'add', 'alice@example.org'], 'pw-alice\n')).code).toBe(0);
    expect(modeOf(join(home.dir, 'data'))).toBe('700');
    expect(modeOf(db())).toBe('600');
    const file = join(home.dir, 'backup.sqlite');
    const res = await home.run(['backup', file]);
    expect(res.code).toBe(0);
    expect(modeOf(file)).toBe('600');
  });

  it('`postern cert` writes keys and PKCS#12 bundles 0600 in a 0700 directory', async () => {
    const dir = join(home.dir, 'certs/local');
    const res = await home.run(['cert', '--dir', dir, '--hostname', 'mail.test.example', '--client', 'alice@example.org']);
    expect(res.code).toBe(0);
    expect(modeOf(dir)).toBe('700');
    for (const f of ['ca.key', 'server.key', 'client-alice@example.org.key', 'client-alice@example.org.p12']) {
      expect([f, modeOf(join(dir, f))]).toEqual([f, '600']);
    }
  });

  it('`postern check` reports a 0644 store and a 0755 data/ (exit 1); --repair tightens them', async () => {
    chmodSync(db(), 0o644);
    chmodSync(join(home.dir, 'data'), 0o755);
    chmodSync(join(home.dir, 'certs/local/ca.key'), 0o640);
    const found = await home.run(['check']);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`${db()}: file mode 0644 lets other users read it; should be 0600`);
    expect(found.stdout).toContain(`${join(home.dir, 'data')}: directory mode 0755 lets other users read it; should be 0700`);
    expect(found.stdout).toContain(`${join(home.dir, 'certs/local/ca.key')}: file mode 0640`);
    expect(found.stdout).toMatch(/--repair/);
    const repaired = await home.run(['check', '--repair']);
    expect(repaired.code).toBe(0);
    expect(modeOf(db())).toBe('600');
    expect(modeOf(join(home.dir, 'data'))).toBe('700');
    expect(modeOf(join(home.dir, 'certs/local/ca.key'))).toBe('600');
    const clean = await home.run(['check']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no problems/);
  });

  it('a directory may keep group search (0710) for an MTA reaching the LMTP socket (docs/postfix.md B)', async () => {
    chmodSync(join(home.dir, 'data'), 0o710);
    const res = await home.run(['check']);
    expect(res.code).toBe(0);
    chmodSync(join(home.dir, 'data'), 0o700);
  });

  it('the certificate directory as a fresh checkout has it (0755, public certificates 0644) is no problem: only keys must be private', async () => {
    const certs = join(home.dir, 'certs'); // tls.certDir
    chmodSync(certs, 0o755);
    chmodSync(join(certs, 'local/ca.crt'), 0o644);
    const res = await home.run(['check']);
    expect(res.stdout).not.toContain(`${certs}: directory mode`);
    expect(res.code).toBe(0);
  });

  it('the server warns at start about a file open to other users', async () => {
    const t = await startTestServer({ listeners: 'listeners: []\n' });
    const store = join(t.dir, 'data/postern.sqlite');
    try {
      await t.server.close(0);
      chmodSync(store, 0o644);
      const lines: Array<Record<string, unknown>> = [];
      const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } });
      const again = await startServer(t.config, logger, { resolver: emptyResolver });
      await again.close(0);
      expect(lines.some((l) => l.level === 'warn' && l.path === store && l.mode === '0644')).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
