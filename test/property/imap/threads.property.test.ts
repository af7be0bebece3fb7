// THREAD=REFERENCES and ORDEREDSUBJECT (RFC 5256 §3) over random messages whose Message-IDs repeat, whose
// references form loops, name themselves or missing messages: every message appears exactly once, each set of
// siblings is ordered by sent date (a dummy by its first child), the response is a valid thread-list (RFC 5256
// §5: thread-members / thread-nested), and SORT is a permutation ordered by its criteria.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SortKeys } from '../../../src/mime/sort-keys.js';
import { byDate, sortItems, type SortItem } from '../../../src/imap/sort/order.js';
import { formatThreads, orderedSubject, referencesThreads, type ThreadNode } from '../../../src/imap/sort/threads.js';

const IDS = ['<a@x>', '<b@x>', '<c@x>', '<d@x>', '<e@x>'];
const SUBJECTS = ['HELLO', 'OTHER', ''];

const items = fc
  .array(
    fc.record({
      messageId: fc.option(fc.constantFrom(...IDS), { nil: null }),
      references: fc.array(fc.constantFrom(...IDS), { maxLength: 4 }),
      subject: fc.constantFrom(...SUBJECTS),
      isReply: fc.boolean(),
      sent: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
      arrival: fc.integer({ min: 0, max: 5 }),
      size: fc.integer({ min: 1, max: 4 }),
    }),
    { maxLength: 14 },
  )
  .map((rows) =>
    rows.map((r, i): SortItem => {
      const keys: SortKeys = {
        subject: r.subject,
        isReply: r.isReply,
        from: { mailbox: '', display: '' },
        to: { mailbox: '', display: '' },
        cc: { mailbox: '', display: '' },
        sent: r.sent,
        messageId: r.messageId,
        references: r.references,
      };
      return { uid: 10 + i * 3, seq: i + 1, keys, arrival: r.arrival, size: r.size };
    }),
  );

function seqs(nodes: readonly ThreadNode[]): number[] {
  return nodes.flatMap((n) => [...(n.item ? [n.item.seq] : []), ...seqs(n.children)]);
}

const first = (n: ThreadNode): SortItem => n.item ?? first(n.children[0]!);

function checkSiblings(nodes: readonly ThreadNode[]): void {
  for (let i = 1; i < nodes.length; i++) expect(byDate(first(nodes[i - 1]!), first(nodes[i]!))).toBeLessThan(0);
  for (const n of nodes) {
    if (!n.item) expect(n.children.length).toBeGreaterThan(0);
    checkSiblings(n.children);
  }
}

/** RFC 5256 §5: thread-list = "(" (thread-members / thread-nested) ")"; thread-nested = 2*thread-list. */
function validThreadList(s: string): boolean {
  let pos = 0;
  const list = (): boolean => {
    if (s[pos] !== '(') return false;
    pos++;
    if (s[pos] === '(') {
      let n = 0;
      while (s[pos] === '(') {
        if (!list()) return false;
        n++;
      }
      if (n < 2) return false;
    } else {
      for (;;) {
        const m = /^[1-9]\d*/.exec(s.slice(pos));
        if (!m) return false;
        pos += m[0].length;
        if (s[pos] !== ' ') break;
        pos++;
        if (s[pos] === '(') {
          let n = 0;
          while (s[pos] === '(') {
            if (!list()) return false;
            n++;
          }
          if (n < 2) return false;
          break;
        }
      }
    }
    if (s[pos] !== ')') return false;
    pos++;
    return true;
  };
  while (pos < s.length) if (!list()) return false;
  return true;
}

describe('THREAD properties', () => {
  it('REFERENCES: each message once, siblings by date, a valid thread-list', () => {
    fc.assert(
      fc.property(items, (list) => {
        const threads = referencesThreads(list);
        expect(seqs(threads).sort((a, b) => a - b)).toEqual(list.map((m) => m.seq));
        checkSiblings(threads);
        expect(validThreadList(formatThreads(threads, (m) => m.uid))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('ORDEREDSUBJECT: each message once, one thread per base subject under its earliest message', () => {
    fc.assert(
      fc.property(items, (list) => {
        const threads = orderedSubject(list);
        expect(seqs(threads).sort((a, b) => a - b)).toEqual(list.map((m) => m.seq));
        expect(new Set(threads.map((t) => t.item!.keys.subject)).size).toBe(threads.length);
        checkSiblings(threads);
        for (const t of threads) for (const c of t.children) expect(byDate(t.item!, c.item!)).toBeLessThan(0);
        expect(validThreadList(formatThreads(threads, (m) => m.seq))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('SORT: a permutation, ordered by the criteria then by sequence number', () => {
    fc.assert(
      fc.property(items, fc.boolean(), (list, reverse) => {
        const sorted = sortItems(list, [{ key: 'SIZE', reverse }, { key: 'DATE', reverse: false }]);
        expect(sorted.map((m) => m.seq).sort((a, b) => a - b)).toEqual(list.map((m) => m.seq));
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!];
          const size = reverse ? b.size - a.size : a.size - b.size;
          expect(size < 0 || (size === 0 && byDate(a, b) < 0)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
