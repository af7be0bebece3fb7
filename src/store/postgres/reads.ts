// The PostgreSQL store's message metadata, bytes, stored forms and structures, the expunge log (SPEC R7.3; RFC 7162 §3.2.5).
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

export class ReadOps {
  constructor(private readonly ctx: PgContext) {}

  async pop3Uidls(userId: UserId, mailboxId: MailboxId): Promise<Map<number, string>> {
    void this.ctx;
    void [userId, mailboxId];
    throw new Error('ReadOps.pop3Uidls: not written yet');
  }

  async listMessages(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[]): Promise<MessageMeta[]> {
    void this.ctx;
    void [userId, mailboxId, ranges];
    throw new Error('ReadOps.listMessages: not written yet');
  }

  async listUids(userId: UserId, mailboxId: MailboxId): Promise<number[]> {
    void this.ctx;
    void [userId, mailboxId];
    throw new Error('ReadOps.listUids: not written yet');
  }

  async firstUnseenUid(userId: UserId, mailboxId: MailboxId): Promise<number | null> {
    void this.ctx;
    void [userId, mailboxId];
    throw new Error('ReadOps.firstUnseenUid: not written yet');
  }

  async removedFields(userId: UserId, mailboxId: MailboxId, uid: number): Promise<RemovedFieldRecord[] | null> {
    void this.ctx;
    void [userId, mailboxId, uid];
    throw new Error('ReadOps.removedFields: not written yet');
  }

  async readMessage(userId: UserId, mailboxId: MailboxId, uid: number, range?: { offset: number; length: number }): Promise<Buffer> {
    void this.ctx;
    void [userId, mailboxId, uid, range];
    throw new Error('ReadOps.readMessage: not written yet');
  }

  async readMessages( userId: UserId, mailboxId: MailboxId, uids: readonly number[], maxBytes: number, ): Promise<Array<{ uid: number; prefix: Buffer; body: Buffer }>> {
    void this.ctx;
    void [userId, mailboxId, uids, maxBytes];
    throw new Error('ReadOps.readMessages: not written yet');
  }

  async messageForms( userId: UserId, mailboxId: MailboxId, uids: readonly number[], utf8: boolean, only?: ReadonlyArray<keyof MessageForms>, ): Promise<Map<number, Partial<MessageForms>>> {
    void this.ctx;
    void [userId, mailboxId, uids, utf8, only];
    throw new Error('ReadOps.messageForms: not written yet');
  }

  async messageStructures(userId: UserId, mailboxId: MailboxId, uids: readonly number[]): Promise<Map<number, MessageStructure>> {
    void this.ctx;
    void [userId, mailboxId, uids];
    throw new Error('ReadOps.messageStructures: not written yet');
  }

  async expungedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[]> {
    void this.ctx;
    void [userId, mailboxId, sinceModseq];
    throw new Error('ReadOps.expungedSince: not written yet');
  }

  async vanishedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[] | null> {
    void this.ctx;
    void [userId, mailboxId, sinceModseq];
    throw new Error('ReadOps.vanishedSince: not written yet');
  }

  async changedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<MessageMeta[]> {
    void this.ctx;
    void [userId, mailboxId, sinceModseq];
    throw new Error('ReadOps.changedSince: not written yet');
  }
}
