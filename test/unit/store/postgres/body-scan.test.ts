// PostgreSQL only (issue 17 item 4 on this backend): a chunked body read synchronously a window at a time through the
// helper thread, as the MIME parser reads it when a structure is computed again — exact for any range, also one wider
// than the shared buffer, and the same structure as parsing the body whole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeBody } from '../../../../src/store/body-analysis.js';
import { openBodyScan } from '../../../../src/store/postgres/body-scan.js';
import { openPostgresStore, type PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import { createTestDatabase, pgAvailable, pgSkipReason, type TestDatabase } from '../../../support/postgres.js';
import { CREDENTIALS, delivery } from '../store-fixture.js';

describe.skipIf(!pgAvailable)(`chunked body scan [postgres]${pgAvailable ? '' : ` (${pgSkipReason})`}`, () => {
  let db: TestDatabase;
  let store: PostgresStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore({ url: db.url, poolSize: 2 });
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  it('reads any range exactly, a window at a time, and parses as the whole body does', async () => {
    const alice = await store.createUser('alice', CREDENTIALS);
    const part = (name: string, n: number) => `--b\r\nContent-Type: text/plain; name=${name}\r\n\r\n${name.repeat(n)}\r\n`;
    const body = Buffer.from(`Subject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${part('x', 700_000)}${part('y', 650_000)}--b--\r\n`);
    await store.deliver({ ...delivery('', [alice.id]), body });
    const [info] = (await store.pool.query<{ id: number; size: number; chunk_bytes: number }>('SELECT id, size, chunk_bytes FROM bodies')).rows;
    expect(info!.chunk_bytes).toBeGreaterThan(0);
    expect(info!.size).toBe(body.length);
    const scan = openBodyScan(store.pool, info!.id, info!.size, info!.chunk_bytes)!;
    expect(scan).not.toBeNull();
    try {
      for (const [start, end] of [
        [0, 10],
        [info!.chunk_bytes - 5, info!.chunk_bytes + 5],
        [3, body.length - 3], // wider than the shared buffer: read in pieces
        [body.length - 1, body.length + 10],
        [-3, 2],
        [7, 7],
      ] as const) {
        const want = body.subarray(Math.max(0, start), Math.min(body.length, end));
        expect({ start, end, ok: scan.read(start, end).equals(want) }).toEqual({ start, end, ok: true });
      }
      expect(analyzeBody(scan).mime).toEqual(analyzeBody(body).mime);
    } finally {
      await scan.close();
    }
  });

  it('tells a read of chunks that are not there at once (a body freed meanwhile)', async () => {
    const scan = openBodyScan(store.pool, 424242, 3 * 262_144, 262_144)!;
    try {
      expect(() => scan.read(10, 300_000)).toThrow(/chunks cover 0 of/);
    } finally {
      await scan.close();
    }
  });
});
