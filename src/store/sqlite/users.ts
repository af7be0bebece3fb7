// The users table (SPEC R6.3, R7.6): accounts with scrypt and SCRAM-SHA-256 keys, quotas, disabled accounts
// (issue 16 item 7), and the default mailboxes each new user gets, subscribed. Deleting a user frees the bodies
// only they referenced.
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { DEFAULT_MAILBOXES, type QuotaUsage, type StoredCredentials } from '../types.js';
import type { SqliteDb } from './database.js';
import type { MailboxRepo } from './mailboxes.js';
import type { MessageRepo } from './messages.js';
import { userNameKey } from './names.js';
import type { UserRow } from './rows.js';

export class UserRepo {
  private readonly insertStmt: Statement<Record<string, unknown>, { id: number }>;
  private readonly byKeyStmt: Statement<[string], UserRow>;
  private readonly byIdStmt: Statement<[number], UserRow>;
  private readonly listStmt: Statement<[], UserRow>;
  private readonly setCredentialsStmt: Statement<Record<string, unknown>>;
  private readonly replaceCredentialsStmt: Statement<Record<string, unknown>>;
  private readonly iterationCountsStmt: Statement<[], { iterations: number; accounts: number }>;
  private readonly setQuotaStmt: Statement<[number | null, number]>;
  private readonly setDisabledStmt: Statement<[number, number]>;
  private readonly deleteStmt: Statement<[number]>;
  private readonly mailboxIdsStmt: Statement<[number], number>;
  private readonly usageStmt: Statement<[number], { bytes: number; messages: number; requiretls: number }>;

  constructor(
    db: SqliteDb,
    private readonly mailboxes: MailboxRepo,
    private readonly messages: MessageRepo,
  ) {
    this.insertStmt = db.prepare(
      'INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, ' +
        'quota_bytes, created_at) VALUES (@name, @nameKey, @scrypt, @salt, @iterations, @storedKey, @serverKey, ' +
        '@quotaBytes, @createdAt) RETURNING id',
    );
    this.byKeyStmt = db.prepare('SELECT * FROM users WHERE name_key = ?');
    this.byIdStmt = db.prepare('SELECT * FROM users WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM users ORDER BY name_key');
    this.setCredentialsStmt = db.prepare(
      'UPDATE users SET scrypt = @scrypt, scram_salt = @salt, scram_iterations = @iterations, ' +
        'scram_stored_key = @storedKey, scram_server_key = @serverKey WHERE id = @id',
    );
    this.replaceCredentialsStmt = db.prepare(
      'UPDATE users SET scrypt = @scrypt, scram_salt = @salt, scram_iterations = @iterations, ' +
        'scram_stored_key = @storedKey, scram_server_key = @serverKey ' +
        'WHERE id = @id AND scrypt = @wasScrypt AND scram_stored_key = @wasStoredKey',
    );
    this.iterationCountsStmt = db.prepare(
      'SELECT scram_iterations AS iterations, COUNT(*) AS accounts FROM users GROUP BY scram_iterations ORDER BY scram_iterations',
    );
    this.setQuotaStmt = db.prepare('UPDATE users SET quota_bytes = ? WHERE id = ?');
    this.setDisabledStmt = db.prepare('UPDATE users SET disabled = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM users WHERE id = ?');
    this.mailboxIdsStmt = db.prepare<[number], number>('SELECT id FROM mailboxes WHERE user_id = ?').pluck();
    this.usageStmt = db.prepare(
      'SELECT COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(messages), 0) AS messages, ' +
        'COALESCE(SUM(requiretls_messages), 0) AS requiretls FROM mailboxes WHERE user_id = ?',
    );
  }

  /** Creates the user with the default mailboxes, subscribed (SPEC R7.6). Call inside a write transaction. */
  create(name: string, credentials: StoredCredentials, quotaBytes: number | null): UserRow {
    const nameKey = userNameKey(name);
    if (this.byKeyStmt.get(nameKey)) throw new StoreError('exists', `user ${JSON.stringify(name)} already exists`);
    validateQuota(quotaBytes);
    const row = this.insertStmt.get({
      name,
      nameKey,
      ...credentialParams(credentials),
      quotaBytes,
      createdAt: Date.now(),
    });
    if (!row) throw new Error('user insert returned no row');
    for (const box of DEFAULT_MAILBOXES) {
      this.mailboxes.insert(row.id, box.name, box.specialUse);
      this.mailboxes.subscribe(row.id, box.name);
    }
    return this.get(row.id);
  }

  find(name: string): UserRow | undefined {
    if (name.length === 0) return undefined;
    return this.byKeyStmt.get(name.toLowerCase());
  }

  get(id: number): UserRow {
    const row = this.byIdStmt.get(id);
    if (!row) throw new StoreError('not-found', `no user with id ${id}`);
    return row;
  }

  list(): UserRow[] {
    return this.listStmt.all();
  }

  setCredentials(id: number, credentials: StoredCredentials): void {
    this.get(id);
    this.setCredentialsStmt.run({ id, ...credentialParams(credentials) });
  }

  /** Replaces the credentials only while they are still `current`; true when replaced. */
  replaceCredentials(id: number, current: StoredCredentials, next: StoredCredentials): boolean {
    const changes = this.replaceCredentialsStmt.run({
      id,
      ...credentialParams(next),
      wasScrypt: current.scrypt,
      wasStoredKey: current.scramSha256.storedKey,
    }).changes;
    return changes === 1;
  }

  scramIterationCounts(): Array<{ iterations: number; accounts: number }> {
    return this.iterationCountsStmt.all();
  }

  setQuota(id: number, quotaBytes: number | null): void {
    this.get(id);
    validateQuota(quotaBytes);
    this.setQuotaStmt.run(quotaBytes, id);
  }

  setDisabled(id: number, disabled: boolean): void {
    this.get(id);
    this.setDisabledStmt.run(disabled ? 1 : 0, id);
  }

  /** Deletes messages first (so the triggers free bodies), then the user; mailboxes and subscriptions cascade. */
  delete(id: number): number[] {
    this.get(id);
    const mailboxIds = this.mailboxIdsStmt.all(id);
    for (const mailboxId of mailboxIds) this.messages.deleteAllIn(mailboxId);
    this.deleteStmt.run(id);
    return mailboxIds;
  }

  usage(id: number): QuotaUsage {
    const user = this.get(id);
    const row = this.usageStmt.get(id);
    return {
      usedBytes: row?.bytes ?? 0,
      limitBytes: user.quota_bytes,
      messages: row?.messages ?? 0,
      requireTlsMessages: row?.requiretls ?? 0,
    };
  }

  /** Throws 'over-quota' when adding `bytes` would put the user above their quota (growth only). */
  assertRoom(id: number, bytes: number): void {
    if (bytes <= 0) return;
    const usage = this.usage(id);
    if (usage.limitBytes !== null && usage.usedBytes + bytes > usage.limitBytes) {
      throw new StoreError(
        'over-quota',
        `quota exceeded: ${usage.usedBytes} + ${bytes} bytes is above the limit of ${usage.limitBytes}`,
      );
    }
  }
}

function validateQuota(quotaBytes: number | null): void {
  if (quotaBytes !== null && (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0)) {
    throw new StoreError('invalid-name', `quota ${quotaBytes} is not a whole number of bytes`);
  }
}

function credentialParams(c: StoredCredentials): Record<string, string | number> {
  return {
    scrypt: c.scrypt,
    salt: c.scramSha256.salt,
    iterations: c.scramSha256.iterations,
    storedKey: c.scramSha256.storedKey,
    serverKey: c.scramSha256.serverKey,
  };
}
