// R1.4, R1.5, R9.1, R9.3 crash test: `postern serve` runs as a child process while LMTP clients stream
// deliveries; it is killed with SIGKILL at seeded random moments. After each kill `postern check` is clean,
// every recipient that got a 250 has the message exactly once, and no stored message is partial.
// Reproduce a run with POSTERN_CRASH_SEED=<seed> (printed on failure); POSTERN_CRASH_VERBOSE=1 prints counts.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempHome } from '../../support/cli.js';
import { sqliteOnlySuite } from '../../support/server.js';
import { CRASH_USERS, CrashLoad, prng, sleep, type LoopResult, type RoundControl, type VerifyReport } from '../../support/crash-load.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

const SEED = Number(process.env.POSTERN_CRASH_SEED ?? 0x5eed2033) >>> 0;
const KILLS = 4;
const CLIENTS = 3;
const load = new CrashLoad(SEED);

const home = tempHome(
  [
    'hostname: crash.test.example',
    'listeners:',
    '  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }',
    'lmtp: { verify: false }',
    'auth: { scramIterations: 4096 }',
    'log: { level: info }',
    '',
  ].join('\n'),
);
const dbPath = join(home.dir, 'data/postern.sqlite');
let server: ServeProcess | undefined;
afterAll(async () => {
  await server?.dispose();
  home.cleanup();
});

async function verifyStore(): Promise<VerifyReport> {
  const store = await openSqliteStore({ path: dbPath });
  try {
    return await load.verify(store);
  } finally {
    await store.close();
  }
}

/** Delivers from CLIENTS connections until `until` resolves, then sets ctl.stop; returns the loops' results. */
async function deliverDuring(port: number, round: number, ctl: RoundControl, until: Promise<void>): Promise<LoopResult[]> {
  const loops = Array.from({ length: CLIENTS }, (_, c) => load.clientLoop(port, `r${round}c${c}`, prng(SEED + round * 101 + c * 7919), ctl));
  await until;
  ctl.stop = true;
  return Promise.all(loops);
}

sqliteOnlySuite('runs `postern serve` as a child process on a SQLite home of its own (the same test as the SQLite run)')('LMTP crash safety (child process killed with SIGKILL)', () => {
  it(
    `loses no acknowledged message and half-stores none across ${KILLS} kills (seed ${SEED})`,
    async () => {
      const seedNote = `(POSTERN_CRASH_SEED=${SEED})`;
      for (const name of CRASH_USERS) {
        const r = await home.run(['user', 'add', name], 'crash-test-pw\n');
        expect(r.code, r.stderr).toBe(0);
      }
      const rng = prng(SEED);

      for (let round = 0; round < KILLS; round++) {
        server = await startServeProcess(home.env);
        const port = await server.port('lmtp');
        const ctl: RoundControl = { stop: false, killed: false, deadline: Date.now() + 15_000 };
        const killAfter = Math.floor(250 + rng() * 2750);
        const victim = server;
        const kill = (async () => {
          await sleep(killAfter);
          ctl.killed = true;
          victim.kill('SIGKILL');
          const exit = await Promise.race([victim.exited, sleep(5000).then(() => null)]);
          expect(exit?.signal, `round ${round}: the server did not die of SIGKILL ${seedNote}`).toBe('SIGKILL');
        })();
        const results = await deliverDuring(port, round, ctl, kill);
        server = undefined;
        const errors = results.map((r) => r.error).filter((e) => e !== null);
        expect(errors, `round ${round}: delivery errors before the kill ${seedNote}`).toEqual([]);

        const check = await home.run(['check', '--integrity']);
        expect(check.code, `round ${round}: postern check after SIGKILL at ${killAfter} ms ${seedNote}\n${check.stdout}${check.stderr}`).toBe(0);
        const report = await verifyStore();
        expect(report.problems, `round ${round}: killed after ${killAfter} ms ${seedNote}`).toEqual([]);
        if (process.env.POSTERN_CRASH_VERBOSE) {
          console.info(`round ${round}: killed after ${killAfter} ms; sent ${load.sent.size}, acknowledged copies ${load.ackCount}, stored copies ${report.stored}`);
        }
      }

      // Restart once more, keep delivering, then stop cleanly with SIGTERM.
      server = await startServeProcess(home.env);
      const port = await server.port('lmtp');
      const ctl: RoundControl = { stop: false, killed: false, deadline: Date.now() + 15_000 };
      const before = load.sent.size;
      const results = await deliverDuring(port, KILLS, ctl, sleep(1000));
      expect(results.map((r) => r.error).filter((e) => e !== null), seedNote).toEqual([]);
      expect(load.sent.size).toBeGreaterThan(before);
      server.kill('SIGTERM');
      const exit = await Promise.race([server.exited, sleep(15_000).then(() => null)]);
      expect(exit, 'exit after SIGTERM').toEqual({ code: 0, signal: null });
      expect(server.stderr()).toBe('');
      server = undefined;

      const check = await home.run(['check', '--integrity']);
      expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
      const report = await verifyStore();
      expect(report.problems, seedNote).toEqual([]);
      // The test means something only if many messages were acknowledged and stored.
      expect(load.ackCount).toBeGreaterThan(20);
      expect(report.stored).toBeGreaterThanOrEqual(load.ackCount);
    },
    120_000,
  );
});
