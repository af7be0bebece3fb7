// The unindexed tail (src/store/sqlite/text-index/tail.ts; SPEC R7.4; issue 14 item 4): the indexer thread's scan
// of the bodies above its mark finds what the index would, and the texts it keeps for indexing stay within their
// bound whatever the order of scans, indexing steps and passing marks.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { StoredBodyText } from '../../../src/store/sqlite/text-index/indexer.js';
import { TailScanner, TailTexts } from '../../../src/store/sqlite/text-index/tail.js';
import { CREDENTIALS, openFixture, type Fixture } from './store-fixture.js';

let fx: Fixture | null = null;
afterEach(async () => {
  await fx?.cleanup();
  fx = null;
});

/** A store with `n` messages in INBOX: body i (uid i) says "note i", the odd ones also "Oddword". */
async function storeWith(n: number): Promise<{ fx: Fixture; inbox: number }> {
  fx = await openFixture();
  const user = await fx.store.createUser('alice', CREDENTIALS);
  const inbox = await fx.store.getMailbox(user.id, 'INBOX');
  for (let i = 1; i <= n; i++) {
    const raw = Buffer.from(`Subject: Subject ${i}\r\n\r\nBody of note ${i}${i % 2 === 1 ? ' Oddword' : ''}\r\n`);
    await fx.store.append(user.id, inbox.id, { raw });
  }
  return { fx, inbox: inbox.id };
}

describe('TailScanner', () => {
  it('checks only the messages above the mark, body or header and body', async () => {
    const { fx, inbox } = await storeWith(6);
    const scanner = new TailScanner(fx.store.db, new TailTexts(fx.store.db));
    expect(await scanner.scan(inbox, 0, 'oddword', false)).toEqual([1, 3, 5]);
    expect(await scanner.scan(inbox, 2, 'oddword', false)).toEqual([3, 5]);
    expect(await scanner.scan(inbox, 6, 'oddword', false)).toEqual([]);
    expect(await scanner.scan(inbox, 0, 'subject 4', false)).toEqual([]);
    expect(await scanner.scan(inbox, 0, 'subject 4', true)).toEqual([4]);
    expect(await scanner.scan(inbox + 1000, 0, 'oddword', true)).toEqual([]);
  });
});

describe('TailTexts', () => {
  it('keeps the texts it extracts up to its limit, the lowest ids first, and forgets what is indexed', async () => {
    const { fx } = await storeWith(4);
    const stored = new StoredBodyText(fx.store.db);
    const size = async (id: number) => {
      const t = await stored.get(id);
      return t ? t.header.length + t.body.length : 0;
    };
    const texts = new TailTexts(fx.store.db, (await size(1)) + (await size(2)));
    expect(await texts.get(1)).toEqual(await stored.get(1));
    expect(await texts.get(2)).toEqual(await stored.get(2));
    expect(texts.hasRoom).toBe(false);
    expect(await texts.get(3)).toEqual(await stored.get(3)); // read, not kept: the limit is reached
    expect(texts.keptChars).toBe((await size(1)) + (await size(2)));
    expect(await texts.take(1)).toEqual(await stored.get(1)); // indexed: forgotten
    expect(texts.keptChars).toBe(await size(2));
    texts.passed(2);
    expect(texts.keptChars).toBe(0);
    expect(await texts.take(4)).toEqual(await stored.get(4));
    expect(await texts.get(99)).toBeUndefined();
  });

  it('says when a text extracted ahead could not be kept, and has no room until it lets one go', async () => {
    const { fx } = await storeWith(3);
    const stored = new StoredBodyText(fx.store.db);
    const first = await stored.get(1);
    const texts = new TailTexts(fx.store.db, (first?.header.length ?? 0) + (first?.body.length ?? 0) + 1);
    expect(await texts.extract(1)).toBe(true);
    expect(texts.hasRoom).toBe(true); // one character left
    expect(await texts.extract(2)).toBe(false); // turned away: the extractor stops
    expect(texts.hasRoom).toBe(false);
    expect(await texts.extract(1)).toBe(true); // already kept
    expect(await texts.take(1)).toEqual(first);
    expect(texts.hasRoom).toBe(true);
    expect(await texts.extract(2)).toBe(true);
  });

  it('never keeps more than its limit (property)', async () => {
    const { fx } = await storeWith(8);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), id: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('take' as const), id: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('passed' as const), id: fc.integer({ min: 0, max: 9 }) }),
    );
    const stored = new StoredBodyText(fx.store.db);
    const expected = new Map<number, unknown>();
    for (let id = 1; id <= 9; id++) expected.set(id, await stored.get(id));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 }), fc.array(op, { maxLength: 40 }), async (limit, ops) => {
        const texts = new TailTexts(fx.store.db, limit);
        for (const o of ops) {
          if (o.kind === 'passed') texts.passed(o.id);
          else expect(await texts[o.kind](o.id)).toEqual(expected.get(o.id));
          expect(texts.keptChars).toBeLessThanOrEqual(limit);
          expect(texts.keptChars).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
