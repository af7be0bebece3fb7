// ThreadCache (src/imap/sort/thread-cache.ts): an answer comes back only for exactly the UIDs it was computed
// for, per mailbox and algorithm; the bound on messages held forgets the least recently used first.
import { describe, expect, it } from 'vitest';
import { ThreadCache } from '../../../../src/imap/sort/thread-cache.js';

describe('ThreadCache', () => {
  it('answers only for exactly the same UIDs, mailbox and algorithm', () => {
    const cache = new ThreadCache(100);
    cache.remember(1, 9, 'REFERENCES', [1, 2, 5], '(1 2)(5)');
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2, 5])).toBe('(1 2)(5)');
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2])).toBeUndefined();
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2, 6])).toBeUndefined();
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2, 5, 7])).toBeUndefined();
    expect(cache.lookup(1, 9, 'ORDEREDSUBJECT', [1, 2, 5])).toBeUndefined();
    expect(cache.lookup(2, 9, 'REFERENCES', [1, 2, 5])).toBeUndefined();
    // The same mailbox under another UIDVALIDITY (an import restarts its UIDs): not the same messages.
    expect(cache.lookup(1, 10, 'REFERENCES', [1, 2, 5])).toBeUndefined();
  });

  it('keeps one answer per mailbox and algorithm: a new one replaces the old', () => {
    const cache = new ThreadCache(100);
    cache.remember(1, 9, 'REFERENCES', [1, 2], '(1 2)');
    cache.remember(1, 9, 'REFERENCES', [1, 2, 3], '(1 2 3)');
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2])).toBeUndefined();
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2, 3])).toBe('(1 2 3)');
    expect(cache.messages).toBe(3);
  });

  it('holds at most its bound of messages, forgetting the least recently used', () => {
    const cache = new ThreadCache(10);
    cache.remember(1, 9, 'REFERENCES', [1, 2, 3, 4], 'one');
    cache.remember(2, 9, 'REFERENCES', [1, 2, 3, 4], 'two');
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2, 3, 4])).toBe('one'); // now the most recent
    cache.remember(3, 9, 'REFERENCES', [1, 2, 3, 4], 'three');
    expect(cache.messages).toBeLessThanOrEqual(10);
    expect(cache.lookup(2, 9, 'REFERENCES', [1, 2, 3, 4])).toBeUndefined();
    expect(cache.lookup(1, 9, 'REFERENCES', [1, 2, 3, 4])).toBe('one');
    expect(cache.lookup(3, 9, 'REFERENCES', [1, 2, 3, 4])).toBe('three');
    cache.remember(4, 9, 'REFERENCES', Array.from({ length: 11 }, (_, i) => i + 1), 'too many');
    expect(cache.lookup(4, 9, 'REFERENCES', Array.from({ length: 11 }, (_, i) => i + 1))).toBeUndefined();
  });
});
