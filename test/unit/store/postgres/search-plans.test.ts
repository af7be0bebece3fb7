// The PostgreSQL store's searches can be answered from its pg_trgm indexes (issue 18; SPEC R7.4): BODY / TEXT
// from body_text's trigram indexes, FROM/SUBJECT… from body_search_fields', each LIKE on its own column (with
// sequential scans disabled, so that the plan shows what the indexes can do, whatever the table's size).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../../../src/store/postgres/database.js';
import { migratePg } from '../../../../src/store/postgres/migrate.js';
import { textTest } from '../../../../src/store/postgres/text-search.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../../support/postgres.js';

describe.skipIf(!pgAvailable)('PostgreSQL search plans', () => {
  let db: TestDatabase;
  let pool: PgPool;
  beforeEach(async () => {
    db = await createTestDatabase();
    pool = openPool({ url: db.url, max: 2 });
    await migratePg(pool);
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  async function plan(sql: string, params: unknown[]): Promise<string> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      await client.query('ROLLBACK');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      client.release();
    }
  }

  it('a BODY or TEXT needle is looked up in the trigram indexes of the text', async () => {
    const sql = (where: 'body' | 'text') => `SELECT t.body_id FROM body_text t WHERE ${textTest(where, '$1')}`;
    expect(await plan(sql('body'), ['%quokka%'])).toMatch(/body_text_text/);
    const text = await plan(sql('text'), ['%quokka%']);
    expect(text).toMatch(/body_text_text/);
    expect(text).toMatch(/body_text_header/);
  });

  it('a field needle is looked up in that field\'s trigram index', async () => {
    const sql = 'SELECT body_id FROM body_search_fields f WHERE f.subject_values LIKE $1';
    expect(await plan(sql, ['%report%'])).toMatch(/body_search_fields_subject/);
  });
});
