// The PostgreSQL store's deliver, APPEND, MULTIAPPEND, COPY, MOVE, EXPUNGE, STORE (SPEC R1.4, R1.8, R3.3; RFC 3502, RFC 6851, RFC 7162).
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

export class WriteOps {
  constructor(private readonly ctx: PgContext) {}

  async deliver(input: DeliveryInput): Promise<DeliveryResult[]> {
    void this.ctx;
    void [input];
    throw new Error('WriteOps.deliver: not written yet');
  }

  async append(userId: UserId, mailboxId: MailboxId, input: AppendInput, guard?: PrivacyGuard): Promise<AppendResult> {
    void this.ctx;
    void [userId, mailboxId, input, guard];
    throw new Error('WriteOps.append: not written yet');
  }

  async appendAll(userId: UserId, mailboxId: MailboxId, inputs: readonly AppendInput[], guard?: PrivacyGuard): Promise<AppendResult[]> {
    void this.ctx;
    void [userId, mailboxId, inputs, guard];
    throw new Error('WriteOps.appendAll: not written yet');
  }

  async copy(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard?: PrivacyGuard): Promise<CopyResult> {
    void this.ctx;
    void [userId, from, uids, to, guard];
    throw new Error('WriteOps.copy: not written yet');
  }

  async move(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard?: PrivacyGuard): Promise<CopyResult> {
    void this.ctx;
    void [userId, from, uids, to, guard];
    throw new Error('WriteOps.move: not written yet');
  }

  async expunge(userId: UserId, mailboxId: MailboxId, opts?: { uids?: readonly number[]; force?: boolean }): Promise<number[]> {
    void this.ctx;
    void [userId, mailboxId, opts];
    throw new Error('WriteOps.expunge: not written yet');
  }

  async setFlags( userId: UserId, mailboxId: MailboxId, uids: readonly number[], mode: FlagMode, flags: readonly string[], opts?: { unchangedSince?: number }, ): Promise<SetFlagsResult> {
    void this.ctx;
    void [userId, mailboxId, uids, mode, flags, opts];
    throw new Error('WriteOps.setFlags: not written yet');
  }
}
