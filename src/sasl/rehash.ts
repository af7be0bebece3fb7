// Stored verifiers renewed at login (SPEC R6.3, issue 17 item 1): credentials made at another cost than the
// current one (older defaults: scrypt N=2^15 beside SCRAM keys of 4,096 rounds, or a changed auth.scramIterations)
// are made again with fresh salts right after a successful password check, the only moment the password is at
// hand. Runs after the login has been answered, within the bound on hashes in flight, once per account at a time;
// the store replaces the credentials only while they are still the ones checked, so a password changed meanwhile
// (`postern user passwd`) is never undone.
import type { StoredCredentials, UserId, UserWithCredentials } from '../store/types.js';
import { hashPassword, needsRehash } from './passwords.js';

export interface RehashOptions {
  /** SCRAM iterations new credentials get (config auth.scramIterations). */
  scramIterations: number;
  /** Conditional replace (Store.replaceCredentials). */
  replace: (userId: UserId, current: StoredCredentials, next: StoredCredentials) => Promise<boolean>;
  /** Runs the hashing within the bound on hashes in flight (sasl/hash-gate.ts). */
  slot: <T>(work: () => Promise<T>) => Promise<T>;
  /** Told of new credentials stored, so the verification cache knows them (sasl/verified-cache.ts). */
  renewed?: (userId: UserId, next: StoredCredentials, password: string) => void;
  log: {
    info: (fields: Record<string, unknown>, msg: string) => void;
    warn: (fields: Record<string, unknown>, msg: string) => void;
  };
}

export class CredentialRenewal {
  /** Accounts being renewed now → the work, so that concurrent logins of one account renew it once. */
  private readonly running = new Map<UserId, Promise<void>>();

  constructor(private readonly opts: RehashOptions) {}

  /** Whether `user`'s credentials are made at another cost than the current one. */
  due(user: UserWithCredentials): boolean {
    return needsRehash(user.credentials, this.opts.scramIterations);
  }

  /** After `password` was found right for `user`: renews the credentials when due, in the background. */
  afterSuccess(user: UserWithCredentials, password: string): void {
    if (!this.due(user) || this.running.has(user.id)) return;
    const work = this.renew(user, password).finally(() => this.running.delete(user.id));
    this.running.set(user.id, work);
  }

  /** Resolves when every renewal started so far has ended (shutdown and tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  private async renew(user: UserWithCredentials, password: string): Promise<void> {
    try {
      const next = await this.opts.slot(() => hashPassword(password, { scramIterations: this.opts.scramIterations }));
      if (await this.opts.replace(user.id, user.credentials, next)) {
        this.opts.renewed?.(user.id, next, password);
        this.opts.log.info(
          { user: user.name, scramIterations: next.scramSha256.iterations, was: user.credentials.scramSha256.iterations },
          'stored password verifiers renewed at the current cost',
        );
      }
    } catch (err) {
      try {
        this.opts.log.warn({ user: user.name, err: (err as Error).message }, 'renewing stored password verifiers failed');
      } catch {
        // a failing logger must not turn a failed renewal into an unhandled rejection
      }
    }
  }
}
