// Decoy SCRAM credentials for unknown names (R6.4, sasl/decoy.ts): the iteration count a decoy announces is drawn
// per name from the counts real accounts hold, in their proportions, so the count does not tell them apart.
import { describe, expect, it } from 'vitest';
import { decoyIterations, decoyScramKeys } from '../../../src/sasl/decoy.js';

const SECRET = Buffer.alloc(32, 7);

describe('decoyIterations', () => {
  it('draws each name a count real accounts hold, in their proportions, the same for the same name', () => {
    const counts = [
      { iterations: 4096, accounts: 1 },
      { iterations: 150_000, accounts: 3 },
    ];
    const seen = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const n = decoyIterations(`nobody${i}@example.org`, counts, 99, SECRET);
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([4096, 150_000]);
    expect(seen.get(4096)! / 4000).toBeGreaterThan(0.2);
    expect(seen.get(4096)! / 4000).toBeLessThan(0.3);
    expect(decoyIterations('Nobody@Example.org', counts, 99, SECRET)).toBe(decoyIterations('nobody@example.org', counts, 99, SECRET));
  });

  it('falls back to the configured count when no account is known', () => {
    expect(decoyIterations('x@example.org', [], 150_000, SECRET)).toBe(150_000);
    expect(decoyIterations('x@example.org', [{ iterations: 4096, accounts: 0 }], 150_000, SECRET)).toBe(150_000);
  });

  it('keys carry the count given', () => {
    expect(decoyScramKeys('x@example.org', 4096, SECRET).iterations).toBe(4096);
  });
});
