// The PostgreSQL store's users, mailboxes, subscriptions, opening and status, \Recent claims, import preparation (SPEC R6.3, R7.5, R7.6, R3.4; RFC 3501 §2.3.2).
// The class postgres-store.ts delegates to; the work is in users.ts, mailboxes.ts, mailbox-ops.ts and recent.ts.
import type { MessageForms } from '../../mime/render/forms.js';
import type pg from 'pg';
import type { ChangeListener, MailboxChange } from '../changes.js';
import type {
  AppendInput,
  AppendResult,
  CopyResult,
  DeliveryInput,
  DeliveryResult,
  ExpungeRecord,
  FlagMode,
  MailboxId,
  MailboxInfo,
  MailboxStatus,
  MailboxStatusOptions,
  MessageMeta,
  MessageSortKeys,
  SimpleSortKey,
  SortKeyNeed,
  MessageStructure,
  OpenedMailbox,
  PrivacyGuard,
  RemovedFieldRecord,
  QuotaUsage,
  SearchFieldName,
  IdFieldName,
  IdMatches,
  HeldMessages,
  KeyMatches,
  MailboxSearchKey,
  SearchListing,
  SearchFields,
  SetFlagsResult,
  SpecialUse,
  StoredCredentials,
  UidRange,
  User,
  UserId,
  UserWithCredentials,
} from '../types.js';
import type { PgContext } from './context.js';
import { query } from './database.js';
import { toMailboxInfo, toUser, toUserWithCredentials } from '../sqlite/rows.js';
import { getMailboxRow, getMailboxRowById, listMailboxRows, type Queryable } from './mailboxes.js';
import {
  createUserRow,
  deleteUserRow,
  findUserRow,
  getUserRow,
  listUserRows,
  replaceCredentialsRow,
  scramIterationCounts,
  setCredentialsRow,
  setDisabledRow,
  setQuotaRow,
  usage,
} from './users.js';

export class AccountOps {
  constructor(private readonly ctx: PgContext) {}

  /** Single-statement reads: the pool, a lost database mapped to 'temporary' as in transactions. */
  private readonly db: Queryable = {
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
      const rows = await query<R>(this.ctx.pool, text, values ?? []);
      return { rows, rowCount: rows.length };
    },
  };

  async createUser(name: string, credentials: StoredCredentials, opts?: { quotaBytes?: number | null }): Promise<User> {
    return toUser(await this.ctx.write(async (c) => ({ value: await createUserRow(c, name, credentials, opts?.quotaBytes ?? null), changes: [] })));
  }

  async findUser(name: string): Promise<UserWithCredentials | null> {
    const row = await findUserRow(this.db, name);
    return row ? toUserWithCredentials(row) : null;
  }

  async getUser(id: UserId): Promise<User> {
    return toUser(await getUserRow(this.db, id));
  }

  async listUsers(): Promise<User[]> {
    return (await listUserRows(this.db)).map(toUser);
  }

  async setCredentials(userId: UserId, credentials: StoredCredentials): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await setCredentialsRow(c, userId, credentials), changes: [] }));
  }

  async replaceCredentials(userId: UserId, current: StoredCredentials, next: StoredCredentials): Promise<boolean> {
    return this.ctx.write(async (c) => ({ value: await replaceCredentialsRow(c, userId, current, next), changes: [] }));
  }

  async scramIterationCounts(): Promise<Array<{ iterations: number; accounts: number }>> {
    return scramIterationCounts(this.db);
  }

  async setQuota(userId: UserId, quotaBytes: number | null): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await setQuotaRow(c, userId, quotaBytes), changes: [] }));
  }

  async setUserDisabled(userId: UserId, disabled: boolean): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await setDisabledRow(c, userId, disabled), changes: [] }));
  }

  async deleteUser(userId: UserId): Promise<void> {
    await this.ctx.write(async (c) => {
      const ids = await deleteUserRow(c, userId);
      return { value: undefined, changes: ids.map((mailboxId): MailboxChange => ({ kind: 'deleted', mailboxId })) };
    });
  }

  async quotaUsage(userId: UserId): Promise<QuotaUsage> {
    return this.ctx.read((c) => usage(c, userId)); // the limit and the counters of one moment (R3.4 judges them together)
  }

  async createMailbox(userId: UserId, name: string, opts?: { specialUse?: SpecialUse | null }): Promise<MailboxInfo> {
    void this.ctx;
    void [userId, name, opts];
    throw new Error('AccountOps.createMailbox: not written yet');
  }

  async renameMailbox(userId: UserId, from: string, to: string, guard?: PrivacyGuard): Promise<void> {
    void this.ctx;
    void [userId, from, to, guard];
    throw new Error('AccountOps.renameMailbox: not written yet');
  }

  async deleteMailbox(userId: UserId, name: string, guard?: PrivacyGuard): Promise<void> {
    void this.ctx;
    void [userId, name, guard];
    throw new Error('AccountOps.deleteMailbox: not written yet');
  }

  async getMailbox(userId: UserId, name: string): Promise<MailboxInfo> {
    return toMailboxInfo(await getMailboxRow(this.db, userId, name));
  }

  async openMailbox( userId: UserId, name: string, listener: ChangeListener, opts?: { claimRecent?: boolean; refuseProtected?: boolean }, ): Promise<OpenedMailbox> {
    void this.ctx;
    void [userId, name, listener, opts];
    throw new Error('AccountOps.openMailbox: not written yet');
  }

  async claimRecent(userId: UserId, mailboxId: MailboxId, throughUid: number): Promise<number> {
    void this.ctx;
    void [userId, mailboxId, throughUid];
    throw new Error('AccountOps.claimRecent: not written yet');
  }

  async firstRecentUid(userId: UserId, mailboxId: MailboxId): Promise<number> {
    void this.ctx;
    void [userId, mailboxId];
    throw new Error('AccountOps.firstRecentUid: not written yet');
  }

  async mailboxStatus(userId: UserId, name: string, opts?: MailboxStatusOptions): Promise<MailboxStatus> {
    void this.ctx;
    void [userId, name, opts];
    throw new Error('AccountOps.mailboxStatus: not written yet');
  }

  async getMailboxById(userId: UserId, id: MailboxId): Promise<MailboxInfo> {
    return toMailboxInfo(await getMailboxRowById(this.db, userId, id));
  }

  async listMailboxes(userId: UserId): Promise<MailboxInfo[]> {
    return (await listMailboxRows(this.db, userId)).map(toMailboxInfo);
  }

  async listNoselect(userId: UserId): Promise<string[]> {
    void this.ctx;
    void [userId];
    throw new Error('AccountOps.listNoselect: not written yet');
  }

  async subscribe(userId: UserId, name: string): Promise<void> {
    void this.ctx;
    void [userId, name];
    throw new Error('AccountOps.subscribe: not written yet');
  }

  async unsubscribe(userId: UserId, name: string): Promise<void> {
    void this.ctx;
    void [userId, name];
    throw new Error('AccountOps.unsubscribe: not written yet');
  }

  async listSubscriptions(userId: UserId): Promise<string[]> {
    void this.ctx;
    void [userId];
    throw new Error('AccountOps.listSubscriptions: not written yet');
  }

  async prepareImport(userId: UserId, name: string, opts?: { uidValidity?: number }): Promise<MailboxInfo> {
    void this.ctx;
    void [userId, name, opts];
    throw new Error('AccountOps.prepareImport: not written yet');
  }

  async raiseUidNext(userId: UserId, mailboxId: MailboxId, uidNext: number): Promise<void> {
    void this.ctx;
    void [userId, mailboxId, uidNext];
    throw new Error('AccountOps.raiseUidNext: not written yet');
  }
}
