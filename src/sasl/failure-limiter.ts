// Counting failed logins in a sliding window (SPEC R6.4): per client address and per attempted account, with
// bounded memory whatever an attacker sends. Addresses are keyed by net/address-key.ts (IPv6 per /64).
// An attempt is counted when it is admitted, before its slow check (reserve), so concurrent attempts cannot
// all pass a check made before any of them ended; it stays pending until it ends, then becomes a failure
// (settle) or is given back (release: a success, or an attempt that did not count).

/** At most this many keys are tracked; the oldest are forgotten first. */
const MAX_KEYS = 100_000;

/** One counted attempt; the handle reserve() returns and release() takes back. */
export interface FailureEntry {
  readonly at: number;
  /** Admitted and not yet decided. */
  pending: boolean;
}

/** What isBlocked counts: every entry, or only decided failures (pending attempts may still give theirs back). */
export type Counting = 'all' | 'failures';

export class FailureLimiter {
  private readonly failures = new Map<string, FailureEntry[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Whether `key` has reached the limit within the window: the next attempt is refused unchecked. */
  isBlocked(key: string, counting: Counting = 'all'): boolean {
    const entries = this.recent(key);
    const n = counting === 'all' ? entries.length : entries.reduce((sum, e) => sum + (e.pending ? 0 : 1), 0);
    return n >= this.limit;
  }

  /** Counts an attempt now (a failure, or one admitted and not yet decided) and returns its entry. */
  reserve(key: string): FailureEntry {
    const entry: FailureEntry = { at: this.now(), pending: true };
    const entries = this.recent(key);
    entries.push(entry);
    // Only the newest `limit` entries matter for the decision.
    if (entries.length > this.limit) entries.splice(0, entries.length - this.limit);
    this.failures.delete(key);
    this.failures.set(key, entries);
    if (this.failures.size > MAX_KEYS) this.evict();
    return entry;
  }

  record(key: string): void {
    this.reserve(key).pending = false;
  }

  /** Keeps an entry from reserve() as a failure. */
  settle(entry: FailureEntry): void {
    entry.pending = false;
  }

  /** Takes back an entry from reserve() (the attempt succeeded or did not count). */
  release(key: string, entry: FailureEntry): void {
    const entries = this.failures.get(key);
    const i = entries?.indexOf(entry) ?? -1;
    if (entries === undefined || i < 0) return;
    entries.splice(i, 1);
    if (entries.length === 0) this.failures.delete(key);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): FailureEntry[] {
    const entries = this.failures.get(key);
    if (entries === undefined) return [];
    const cutoff = this.now() - this.windowMs;
    const kept = entries.filter((e) => e.at > cutoff);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== entries.length) this.failures.set(key, kept);
    return kept;
  }

  private evict(): void {
    const cutoff = this.now() - this.windowMs;
    for (const [key, entries] of this.failures) {
      if (entries.every((e) => e.at <= cutoff)) this.failures.delete(key);
    }
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_KEYS) break;
      this.failures.delete(key);
    }
  }
}
