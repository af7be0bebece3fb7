// The PostgreSQL store's users, mailboxes, subscriptions, opening and status, \Recent claims, import preparation (SPEC R6.3, R7.5, R7.6, R3.4; RFC 3501 §2.3.2).
// Branch `pg` skeleton: each method is filled in by its part of issue 18.
import type { MessageForms } from '../../mime/render/forms.js';
import type { ChangeListener } from '../changes.js';
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

export class AccountOps {
  constructor(private readonly ctx: PgContext) {}

  async createUser(name: string, credentials: StoredCredentials, opts?: { quotaBytes?: number | null }): Promise<User> {
    void this.ctx;
    void [name, credentials, opts];
    throw new Error('AccountOps.createUser: not written yet');
  }

  async findUser(name: string): Promise<UserWithCredentials | null> {
    void this.ctx;
    void [name];
    throw new Error('AccountOps.findUser: not written yet');
  }

  async getUser(id: UserId): Promise<User> {
    void this.ctx;
    void [id];
    throw new Error('AccountOps.getUser: not written yet');
  }

  async listUsers(): Promise<User[]> {
    void this.ctx;
    throw new Error('AccountOps.listUsers: not written yet');
  }

  async setCredentials(userId: UserId, credentials: StoredCredentials): Promise<void> {
    void this.ctx;
    void [userId, credentials];
    throw new Error('AccountOps.setCredentials: not written yet');
  }

  async replaceCredentials(userId: UserId, current: StoredCredentials, next: StoredCredentials): Promise<boolean> {
    void this.ctx;
    void [userId, current, next];
    throw new Error('AccountOps.replaceCredentials: not written yet');
  }

  async scramIterationCounts(): Promise<Array<{ iterations: number; accounts: number }>> {
    void this.ctx;
    throw new Error('AccountOps.scramIterationCounts: not written yet');
  }

  async setQuota(userId: UserId, quotaBytes: number | null): Promise<void> {
    void this.ctx;
    void [userId, quotaBytes];
    throw new Error('AccountOps.setQuota: not written yet');
  }

  async setUserDisabled(userId: UserId, disabled: boolean): Promise<void> {
    void this.ctx;
    void [userId, disabled];
    throw new Error('AccountOps.setUserDisabled: not written yet');
  }

  async deleteUser(userId: UserId): Promise<void> {
    void this.ctx;
    void [userId];
    throw new Error('AccountOps.deleteUser: not written yet');
  }

  async quotaUsage(userId: UserId): Promise<QuotaUsage> {
    void this.ctx;
    void [userId];
    throw new Error('AccountOps.quotaUsage: not written yet');
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
    void this.ctx;
    void [userId, name];
    throw new Error('AccountOps.getMailbox: not written yet');
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
    void this.ctx;
    void [userId, id];
    throw new Error('AccountOps.getMailboxById: not written yet');
  }

  async listMailboxes(userId: UserId): Promise<MailboxInfo[]> {
    void this.ctx;
    void [userId];
    throw new Error('AccountOps.listMailboxes: not written yet');
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
