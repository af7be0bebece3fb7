// Sliding-window failure counting (R6.4); the address keys are tested in test/unit/net/address-key.test.ts.
import { describe, it, expect } from 'vitest';
import { FailureLimiter } from '../../../src/sasl/failure-limiter.js';

describe('FailureLimiter', () => {
  it('blocks at the limit and forgets failures older than the window', () => {
    let t = 1000;
    const limiter = new FailureLimiter(3, 60_000, () => t);
    limiter.record('k');
    limiter.record('k');
    expect(limiter.isBlocked('k')).toBe(false);
    t += 10_000;
    limiter.record('k');
    expect(limiter.isBlocked('k')).toBe(true);
    expect(limiter.isBlocked('other')).toBe(false);
    t += 50_001;
    expect(limiter.isBlocked('k')).toBe(false);
    t += 10_000;
    expect(limiter.isBlocked('k')).toBe(false);
    expect(limiter.size).toBe(0);
  });

  it('resets a key', () => {
    const limiter = new FailureLimiter(1, 1000, () => 0);
    limiter.record('k');
    expect(limiter.isBlocked('k')).toBe(true);
    limiter.reset('k');
    expect(limiter.isBlocked('k')).toBe(false);
  });

  it('keeps memory bounded under a flood of keys', () => {
    const limiter = new FailureLimiter(5, 1_000_000, () => 0);
    for (let i = 0; i < 100_050; i++) limiter.record(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100_000);
    expect(limiter.isBlocked('k100049')).toBe(false);
  });
});
