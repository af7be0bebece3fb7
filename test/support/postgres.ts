// Test databases on the run's private PostgreSQL (postgres-global.ts): each call makes a fresh, empty database
// and drops it afterwards. `pgAvailable` tells a suite whether to run; `pgSkipReason` says why not.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { pgUrl } from '../../bench/lib/pg-cluster.mjs';

export const pgInfo = inject('pg');
export const pgAvailable = pgInfo !== null;
export const pgSkipReason = inject('pgSkip');

if (!pgAvailable) console.warn(pgSkipReason);

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!pgInfo) throw new Error(pgSkipReason);
  const client = new pg.Client({ connectionString: pgUrl(pgInfo, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`));
  return {
    name,
    url: pgUrl(pgInfo!, name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
