// Issue 18 (R1.4, R1.5, R9.3 across front ends): two `postern serve` processes share one PostgreSQL database while
// LMTP clients stream seeded deliveries to both; front end A is killed with SIGKILL at seeded random moments and
// started again. Front end B keeps delivering without an error, and every copy acknowledged with 250 by either is
// stored exactly once, whole, with UIDs strictly ascending. Reproduce with POSTERN_CRASH_SEED=<seed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { tempHome, type TempHome } from '../../support/cli.js';
import { CRASH_USERS, CrashLoad, prng, sleep, type LoopResult, type RoundControl } from '../../support/crash-load.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../support/postgres.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

const SEED = Number(process.env.POSTERN_CRASH_SEED ?? 0x5eed2118) >>> 0;
const KILLS = 3;
const load = new CrashLoad(SEED);

let db: TestDatabase;
/** One home (data directory: spool, admin socket) per front end, as on two machines; one database. */
let homeA: TempHome;
let homeB: TempHome;
const servers: ServeProcess[] = [];

async function verify(): Promise<{ stored: number; problems: string[] }> {
  const store = await openPostgresStore({ url: db.url, poolSize: 2 });
  try {
    return await load.verify(store);
  } finally {
    await store.close();
  }
}

async function serve(home: TempHome): Promise<ServeProcess> {
  const s = await startServeProcess(home.env);
  servers.push(s);
  return s;
}

describe.skipIf(!pgAvailable)('two front ends on PostgreSQL, one killed with SIGKILL during deliveries', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    const config = [
        'hostname: crash.test.example',
        `store: { backend: postgres, url: ${JSON.stringify(db.url)} }`,
        'listeners:',
        '  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }',
        'lmtp: { verify: false }',
        'auth: { scramIterations: 4096 }',
        'log: { level: info }',
        '',
      ].join('\n');
    homeA = tempHome(config);
    homeB = tempHome(config);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
    homeA?.cleanup();
    homeB?.cleanup();
    await db?.drop();
  });

  it(`loses no message either front end acknowledged across ${KILLS} kills of one (seed ${SEED})`, async () => {
    const seedNote = `(POSTERN_CRASH_SEED=${SEED})`;
    for (const name of CRASH_USERS) {
      const r = await homeA.run(['user', 'add', name], 'crash-test-pw\n');
      expect(r.code, r.stderr).toBe(0);
    }
    const rng = prng(SEED);
    const b = await serve(homeB);
    const portB = await b.port('lmtp');
    for (let round = 0; round < KILLS; round++) {
      const a = await serve(homeA);
      const portA = await a.port('lmtp');
      const onA: RoundControl = { stop: false, killed: false, deadline: Date.now() + 15_000 };
      const onB: RoundControl = { stop: false, killed: false, deadline: Date.now() + 15_000 };
      const killAfter = Math.floor(250 + rng() * 2250);
      const loops: Array<Promise<LoopResult>> = [
        load.clientLoop(portA, `r${round}a0`, prng(SEED + round * 101), onA),
        load.clientLoop(portA, `r${round}a1`, prng(SEED + round * 101 + 7919), onA),
        load.clientLoop(portB, `r${round}b0`, prng(SEED + round * 101 + 15_889), onB, false),
      ];
      await sleep(killAfter);
      onA.killed = true;
      a.kill('SIGKILL');
      const exit = await Promise.race([a.exited, sleep(5000).then(() => null)]);
      expect(exit?.signal, `round ${round}: front end A did not die of SIGKILL ${seedNote}`).toBe('SIGKILL');
      await sleep(200); // B keeps delivering after A is gone
      onA.stop = true;
      onB.stop = true;
      const results = await Promise.all(loops);
      expect(results.map((r) => r.error).filter((e) => e !== null), `round ${round}: delivery errors ${seedNote}`).toEqual([]);
      expect(results[2]!.messages, `round ${round}: front end B delivered ${seedNote}`).toBeGreaterThan(0);
      const report = await verify();
      expect(report.problems, `round ${round}: A killed after ${killAfter} ms ${seedNote}`).toEqual([]);
    }
    b.kill('SIGTERM');
    const exit = await Promise.race([b.exited, sleep(15_000).then(() => null)]);
    expect(exit, 'B exits after SIGTERM').toEqual({ code: 0, signal: null });
    const report = await verify();
    expect(report.problems, seedNote).toEqual([]);
    expect(load.ackCount).toBeGreaterThan(20);
    expect(report.stored).toBeGreaterThanOrEqual(load.ackCount);
  }, 150_000);
});
