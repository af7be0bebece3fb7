// Two processes writing one SQLite file (SPEC R9.1, R1.5): BEGIN IMMEDIATE and the busy timeout serialise them,
// so every delivery lands with a distinct UID and the counters stay exact. The real store runs in each child,
// compiled from src/ into a temporary directory once (vitest's transform is not available to child processes).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../../src/store/sqlite/migrate.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { CREDENTIALS } from '../../unit/store/store-fixture.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PER_WRITER = 200;
let dir: string;

const WORKER = `
import { openSqliteStore } from './dist/store/sqlite/sqlite-store.js';
const [path, userName, count, tag] = process.argv.slice(2);
const store = await openSqliteStore({ path, busyTimeoutMs: 20000 });
const user = userName === '-' ? null : await store.findUser(userName);
for (let i = 0; user && i < Number(count); i++) {
  const [result] = await store.deliver({
    body: Buffer.from('Subject: ' + tag + ' ' + i + '\\r\\n\\r\\nbody\\r\\n'),
    recipients: [{ userId: user.id, prefix: Buffer.from('X-Writer: ' + tag + '\\r\\n') }],
    internalDate: new Date(),
    requireTls: i % 2 === 0,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
  if (!result || !result.ok) throw new Error('delivery ' + i + ' failed: ' + JSON.stringify(result));
}
await store.close();
`;

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'worker.mjs'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'postern-concurrency-'));
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      ...['--outDir', join(dir, 'dist'), '--rootDir', join(ROOT, 'src'), '--module', 'nodenext'],
      ...['--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node'],
      join(ROOT, 'src/store/sqlite/sqlite-store.ts'),
    ],
    { stdio: 'pipe' },
  );
  cpSync(join(ROOT, 'migrations'), join(dir, 'migrations'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'worker.mjs'), WORKER);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('concurrent writer processes', () => {
  it('two processes opening a new file at once both migrate it cleanly', async () => {
    const path = join(dir, 'fresh.sqlite');
    const results = await Promise.all([run([path, '-', '0', 'a']), run([path, '-', '0', 'b'])]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    const store = await openSqliteStore({ path });
    try {
      expect((await store.check()).problems).toEqual([]);
      expect(store.db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: loadMigrations().length }]);
    } finally {
      await store.close();
    }
  });

  it(`two processes delivering ${PER_WRITER} times each into one mailbox lose nothing`, async () => {
    const path = join(dir, 'shared.sqlite');
    const setup = await openSqliteStore({ path });
    await setup.createUser('shared', CREDENTIALS);
    await setup.close();

    const started = Date.now();
    const results = await Promise.all([run([path, 'shared', String(PER_WRITER), 'A']), run([path, 'shared', String(PER_WRITER), 'B'])]);
    const elapsed = Date.now() - started;
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);

    const store = await openSqliteStore({ path });
    try {
      const user = await store.findUser('shared');
      if (!user) throw new Error('user vanished');
      const inbox = await store.getMailbox(user.id, 'INBOX');
      expect(inbox).toMatchObject({ messages: 2 * PER_WRITER, unseen: 2 * PER_WRITER, requireTlsMessages: PER_WRITER, uidNext: 2 * PER_WRITER + 1 });
      const metas = await store.listMessages(user.id, inbox.id);
      expect(metas.map((m) => m.uid)).toEqual(Array.from({ length: 2 * PER_WRITER }, (_, i) => i + 1));
      const writers = await Promise.all(metas.map(async (m) => (await store.readMessage(user.id, inbox.id, m.uid, { offset: 10, length: 1 })).toString()));
      expect(writers.filter((w) => w === 'A')).toHaveLength(PER_WRITER);
      expect(writers.filter((w) => w === 'B')).toHaveLength(PER_WRITER);
      expect((await store.check({ integrity: true })).problems).toEqual([]);
    } finally {
      await store.close();
    }
    expect(elapsed).toBeLessThan(20_000);
  });
});
