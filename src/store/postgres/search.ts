// The PostgreSQL store's SEARCH, SORT and THREAD inputs, the full-text index and previews (SPEC R7.4; RFC 5256, RFC 8970).
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

export class SearchOps {
  constructor(private readonly ctx: PgContext) {}

  async searchFields( userId: UserId, mailboxId: MailboxId, uids: readonly number[], fields: readonly SearchFieldName[], ): Promise<Map<number, SearchFields>> {
    void this.ctx;
    void [userId, mailboxId, uids, fields];
    throw new Error('SearchOps.searchFields: not written yet');
  }

  async searchListing(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[], held?: HeldMessages): Promise<SearchListing> {
    void this.ctx;
    void [userId, mailboxId, ranges, held];
    throw new Error('SearchOps.searchListing: not written yet');
  }

  async searchKey(userId: UserId, mailboxId: MailboxId, key: MailboxSearchKey, span: UidRange): Promise<KeyMatches> {
    void this.ctx;
    void [userId, mailboxId, key, span];
    throw new Error('SearchOps.searchKey: not written yet');
  }

  async searchIds(userId: UserId, mailboxId: MailboxId, field: IdFieldName, token: string): Promise<IdMatches> {
    void this.ctx;
    void [userId, mailboxId, field, token];
    throw new Error('SearchOps.searchIds: not written yet');
  }

  async sortKeys(userId: UserId, mailboxId: MailboxId, span: UidRange, need?: readonly SortKeyNeed[]): Promise<MessageSortKeys[]> {
    void this.ctx;
    void [userId, mailboxId, span, need];
    throw new Error('SearchOps.sortKeys: not written yet');
  }

  async sortedUids(userId: UserId, mailboxId: MailboxId, span: UidRange, key: SimpleSortKey, reverse: boolean): Promise<number[] | null> {
    void this.ctx;
    void [userId, mailboxId, span, key, reverse];
    throw new Error('SearchOps.sortedUids: not written yet');
  }

  async searchText(userId: UserId, mailboxId: MailboxId, text: string, where: 'body' | 'text'): Promise<number[]> {
    void this.ctx;
    void [userId, mailboxId, text, where];
    throw new Error('SearchOps.searchText: not written yet');
  }

  async previews(userId: UserId, mailboxId: MailboxId, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    void this.ctx;
    void [userId, mailboxId, uids, lazy];
    throw new Error('SearchOps.previews: not written yet');
  }
}
