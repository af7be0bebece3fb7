// Counting failed logins in a sliding window (SPEC R6.4): per client address and per attempted account, with
// bounded memory whatever an attacker sends. Addresses are keyed by net/address-key.ts (IPv6 per /64).

/** At most this many keys are tracked; the oldest are forgotten first. */
const MAX_KEYS = 100_000;

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Whether `key` has reached the limit within the window: the next attempt is refused unchecked. */
  isBlocked(key: string): boolean {
    return this.recent(key).length >= this.limit;
  }

  record(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    // Only the newest `limit` timestamps matter for the decision.
    if (times.length > this.limit) times.splice(0, times.length - this.limit);
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > MAX_KEYS) this.evict();
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const times = this.failures.get(key);
    if (times === undefined) return [];
    const cutoff = this.now() - this.windowMs;
    const kept = times.filter((t) => t > cutoff);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private evict(): void {
    const cutoff = this.now() - this.windowMs;
    for (const [key, times] of this.failures) {
      if (times.every((t) => t <= cutoff)) this.failures.delete(key);
    }
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_KEYS) break;
      this.failures.delete(key);
    }
  }
}
