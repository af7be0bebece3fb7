// Successful password checks remembered for a short time (issue 17 item 1; as Dovecot's auth_cache): webmail
// logs in on every page view and every client reconnects at once after a restart, and each check costs a
// scrypt (~30 ms, 16 MiB). An entry is the user's id and a keyed hash (HMAC-SHA-256 under a key made at
// start and never stored) of the stored verifier and the password presented, never the password; so a
// changed password (another verifier) misses, and a deleted user is never looked up this far. Bounded in
// entries and time; only successes are kept (failures are counted and delayed, R6.4). Checks of the same
// password for the same account that arrive while one is running wait for its answer instead of hashing again:
// a thousand connections of one user logging in at once cost one scrypt, not a thousand.
import { createHmac, randomBytes } from 'node:crypto';

export class VerifiedCache {
  private readonly secret = randomBytes(32);
  /** Entry → the time it expires; Map order is insertion order, the oldest first. */
  private readonly entries = new Map<string, number>();
  /** Entry → the check running for it. */
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether `password` is right for this user and verifier: true when it was found so within the time to live;
   * else the answer of a check of the same entry already running; else `check()`'s, remembered when true.
   */
  verify(userId: number, verifier: string, password: string, check: () => Promise<boolean>): Promise<boolean> {
    if (this.maxEntries === 0 || this.ttlMs === 0) return check();
    if (this.has(userId, verifier, password)) return Promise.resolve(true);
    const key = this.keyOf(userId, verifier, password);
    const running = this.running.get(key);
    if (running) return running;
    const answer = check()
      .then((good) => {
        if (good) this.remember(userId, verifier, password);
        return good;
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, answer);
    return answer;
  }

  /** Whether this password was found right for this user and verifier within the time to live. */
  has(userId: number, verifier: string, password: string): boolean {
    if (this.maxEntries === 0) return false;
    const key = this.keyOf(userId, verifier, password);
    const expires = this.entries.get(key);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.entries.delete(key);
    return false;
  }

  /** Remembers a successful check. */
  remember(userId: number, verifier: string, password: string): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    const key = this.keyOf(userId, verifier, password);
    this.entries.delete(key);
    this.entries.set(key, this.now() + this.ttlMs);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Entries held, expired or not (tests). */
  get size(): number {
    return this.entries.size;
  }

  private keyOf(userId: number, verifier: string, password: string): string {
    const mac = createHmac('sha256', this.secret).update(verifier, 'utf8').update('\0').update(password, 'utf8').digest('base64');
    return `${userId} ${mac}`;
  }
}
