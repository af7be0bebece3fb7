// The index's query of a needle (src/store/sqlite/trigram-query.ts; issue 14 item 4): on
// the index's own layout (FTS5 trigram, detail = column), the texts it selects and the exact check keeps are
// exactly the texts holding the needle, in a given column or any, whatever the needle holds: quotes, FTS5
// operators and syntax (AND, OR, NOT, NEAR, *, ^, :, parentheses), white space, characters beyond the BMP,
// repeated trigrams; a needle shorter than a trigram gets no query.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trigramQuery } from '../../../src/store/sqlite/trigram-query.js';

const UNITS = ['a', 'b', 'ab', 'aaa', ' ', '"', "'", '*', '^', ':', '(', ')', '-', '+', 'AND', 'or', 'NEAR', 'not', 'é', '東', '😀', '""'];
const text = fc.array(fc.constantFrom(...UNITS), { maxLength: 14 }).map((a) => a.join(''));

describe('trigramQuery', () => {
  it('selects, with the exact check, exactly the texts that hold the needle', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(header, body, tokenize = 'trigram', detail = column)");
    const insert = db.prepare('INSERT INTO t (rowid, header, body) VALUES (?, ?, ?)');
    const match = db.prepare<[string, string, number, string], number>(
      'SELECT rowid FROM t WHERE t MATCH ? AND (instr(body, ?) > 0 OR (? AND instr(header, ?) > 0)) ORDER BY rowid',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 6 }), text, fc.boolean(), (docs, needle, bodyOnly) => {
        db.exec('DELETE FROM t');
        docs.forEach(([header, body], i) => insert.run(i + 1, header, body));
        const query = trigramQuery(needle);
        if ([...needle].length < 3) {
          expect(query).toBeNull();
          return;
        }
        expect(query).not.toBeNull();
        const q = bodyOnly ? `body : (${query})` : (query as string);
        const got = match.pluck().all(q, needle, bodyOnly ? 0 : 1, needle);
        const want = docs.flatMap(([header, body], i) => (body.includes(needle) || (!bodyOnly && header.includes(needle)) ? [i + 1] : []));
        expect(got).toEqual(want);
      }),
      { numRuns: 400 },
    );
    db.close();
  });
});
