// POP3 maildrop locks across front ends (RFC 1939 §8, SPEC R8.2; issue 18 item 2): one session-level advisory lock
// per locked maildrop, held on one dedicated connection of this front end. PostgreSQL releases them when that
// connection ends, so a front end that dies (SIGKILL, power) leaves no maildrop locked. A connection lost while the
// process lives loses its locks with it: they are taken again on the next connection, and one another front end
// took meanwhile is reported (that maildrop may then have two sessions until one ends).
import pg from 'pg';
import { StoreError } from '../errors.js';
import type { UserId } from '../types.js';

/** The advisory lock space of maildrop locks: 'POP3' in ASCII (the second key is the user id). */
const POP3_SPACE = 0x504f5033;

export class PgMaildropLocks {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly held = new Set<UserId>();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  private connection(): Promise<pg.Client> {
    if (this.client !== null) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: 'postern-locks' });
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client));
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      }
      this.client = client;
      // Locks this process believes it holds were released with the last connection: take them again.
      for (const userId of this.held) {
        const again = await this.tryLock(client, userId);
        if (!again) this.onError(new Error(`POP3 maildrop lock of user ${userId} was taken by another front end while this one's lock connection was down`));
      }
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    if (err !== undefined && !this.closed) this.onError(err);
    client.end().catch(() => undefined);
  }

  private async tryLock(client: pg.Client, userId: UserId): Promise<boolean> {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [POP3_SPACE, userId]);
    return r.rows[0]?.ok === true;
  }

  async lock(userId: UserId): Promise<boolean> {
    if (this.closed) return false;
    if (this.held.has(userId)) return true;
    // A connection found dead on use is made again once; a database that stays away is a temporary failure.
    for (let attempt = 1; ; attempt++) {
      let client: pg.Client | null = null;
      try {
        client = await this.connection();
        const ok = await this.tryLock(client, userId);
        if (ok) this.held.add(userId);
        return ok;
      } catch (err) {
        if (client !== null) this.lost(client);
        if (attempt >= 2) throw new StoreError('temporary', `the maildrop lock is unavailable: ${(err as Error).message}`);
      }
    }
  }

  async unlock(userId: UserId): Promise<void> {
    if (!this.held.delete(userId)) return;
    const client = this.client;
    if (client === null) return; // the lock went with the connection
    await client.query('SELECT pg_advisory_unlock($1, $2)', [POP3_SPACE, userId]).catch((err: unknown) => this.onError(err as Error));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held.clear();
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
