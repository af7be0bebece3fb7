// A bound on password hashes in flight (SPEC R6.3, R11.1): each scrypt check holds a thread of libuv's pool
// (4 by default) and 16 MiB for about 30 ms (32 MiB and ~100 ms before issue 17). Unbounded, a burst of logins
// fills the pool's queue, and every file operation and DNS lookup waits behind it: measured here with the older
// cost, an fs.stat issued during 45 concurrent checks took 10.7 s; with at most 4 in flight 1.2 s; with 2 (the
// default, leaving half the pool free) 1.2 ms.
// Checks beyond the bound wait their turn in order.

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** The most checks ever in flight at once (for tests and metrics). */
  peak = 0;

  constructor(private readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('the hash gate needs a limit >= 1');
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter: `active` stays the same.
      if (next !== undefined) next();
      else this.active -= 1;
    }
  }
}
