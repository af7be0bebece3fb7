// LIST \HasChildren (RFC 3348 §3; issue 13 item 8): the one-pass computation of which names have inferiors
// agrees with the naive reference (every name against every other) on arbitrary name sets, delimiters at the
// start, the end and doubled included, and on a deep tree with many names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namesWithChildren } from '../../../src/imap/mailbox-children.js';

/** The reference: a name has children when another name starts with it followed by the delimiter. */
function naive(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) if (names.some((other) => other.startsWith(`${name}/`))) out.add(name);
  return out;
}

const sorted = (s: Set<string>): string[] => [...s].sort();

describe('namesWithChildren', () => {
  it('agrees with the naive reference', () => {
    const name = fc.array(fc.constantFrom('a', 'b', 'Ä', '/'), { minLength: 1, maxLength: 7 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), (names) => {
        expect(sorted(namesWithChildren(names))).toEqual(sorted(naive(names)));
      }),
      { numRuns: 2000 },
    );
  });

  it('marks the inner nodes of a deep tree with many names, and only them', () => {
    const names: string[] = [];
    const inner = new Set<string>();
    for (let i = 0; i < 40; i++) {
      let path = `Top${i}`;
      names.push(path);
      for (let depth = 1; depth <= 12; depth++) {
        inner.add(path);
        path = `${path}/L${depth}`;
        names.push(path);
      }
    }
    // A name whose parent is no mailbox still makes its grandparent a parent (\HasChildren, RFC 3348).
    names.push('Lone/missing/leaf');
    names.push('Lone');
    inner.add('Lone');
    // Names that only share a prefix without the delimiter are not children.
    names.push('Top1x', 'Top1-y');
    expect(sorted(namesWithChildren(names))).toEqual(sorted(inner));
    expect(sorted(namesWithChildren(names))).toEqual(sorted(naive(names)));
  });
});
