// The PostgreSQL store's SEARCH, SORT and THREAD inputs, the full-text search and previews (SPEC R7.4; RFC 9051
// §6.4.4, RFC 5256, RFC 8970): each call checks that the mailbox is the user's and reads in one snapshot
// (search-fields.ts, search-keys.ts, sort-keys.ts, text-search.ts); rows a body lacks are stored after the read.
import type { MessageText } from '../../mime/text.js';
import { StoreError } from '../errors.js';
import type {
  HeldMessages,
  IdFieldName,
  IdMatches,
  KeyMatches,
  MailboxId,
  MailboxSearchKey,
  MessageSortKeys,
  SearchFieldName,
  SearchFields,
  SearchListing,
  SimpleSortKey,
  SortKeyNeed,
  UidRange,
  UserId,
} from '../types.js';
import type { PgContext } from './context.js';
import type { PgClient } from './database.js';
import type { ComputedFields } from '../search-field-extract.js';
import type { ComputedSortKeys } from '../sort-key-extract.js';
import { SearchFieldsPg } from './search-fields.js';
import { clampUid, SearchKeysPg } from './search-keys.js';
import { SortKeysPg } from './sort-keys.js';
import { TextSearchPg } from './text-search.js';

/** R3.4 scoping: the mailbox must be the user's ('not-found' otherwise, as the SQLite store's getById). */
async function ownMailbox(client: PgClient, userId: UserId, mailboxId: MailboxId): Promise<number> {
  const { rows } = await client.query<{ id: number }>('SELECT id FROM mailboxes WHERE user_id = $1 AND id = $2', [userId, mailboxId]);
  const row = rows[0];
  if (!row) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
  return row.id;
}

export class SearchOps {
  private readonly fieldsRepo: SearchFieldsPg;
  private readonly keysRepo = new SearchKeysPg();
  private readonly sortRepo: SortKeysPg;
  private readonly textRepo: TextSearchPg;

  constructor(private readonly ctx: PgContext) {
    this.fieldsRepo = new SearchFieldsPg(ctx);
    this.sortRepo = new SortKeysPg(ctx);
    this.textRepo = new TextSearchPg(ctx);
  }

  /** Runs `fn` on the user's mailbox in one read snapshot. */
  private inMailbox<T>(userId: UserId, mailboxId: MailboxId, fn: (client: PgClient, id: number) => Promise<T>): Promise<T> {
    return this.ctx.read(async (client) => fn(client, await ownMailbox(client, userId, mailboxId)));
  }

  async searchFields(userId: UserId, mailboxId: MailboxId, uids: readonly number[], fields: readonly SearchFieldName[]): Promise<Map<number, SearchFields>> {
    const missing = new Map<number, ComputedFields>();
    const out = await this.inMailbox(userId, mailboxId, (client, id) => this.fieldsRepo.fields(client, id, uids, fields, missing));
    await this.fieldsRepo.backfill(missing);
    return out;
  }

  async searchListing(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[], held?: HeldMessages): Promise<SearchListing> {
    return this.inMailbox(userId, mailboxId, (client, id) => this.keysRepo.listing(client, id, ranges, held));
  }

  async searchKey(userId: UserId, mailboxId: MailboxId, key: MailboxSearchKey, span: UidRange): Promise<KeyMatches> {
    return this.inMailbox(userId, mailboxId, (client, id) => this.keysRepo.matches(client, id, key, span));
  }

  async searchIds(userId: UserId, mailboxId: MailboxId, field: IdFieldName, token: string): Promise<IdMatches> {
    return this.inMailbox(userId, mailboxId, (client, id) => this.fieldsRepo.idMatches(client, id, field, token));
  }

  async sortKeys(userId: UserId, mailboxId: MailboxId, span: UidRange, need?: readonly SortKeyNeed[]): Promise<MessageSortKeys[]> {
    const missing = new Map<number, ComputedSortKeys>();
    const out = await this.inMailbox(userId, mailboxId, (client, id) =>
      this.sortRepo.keys(client, id, clampUid(span.from), clampUid(span.to), need, missing),
    );
    await this.sortRepo.backfill(missing);
    return out;
  }

  async sortedUids(userId: UserId, mailboxId: MailboxId, span: UidRange, key: SimpleSortKey, reverse: boolean): Promise<number[] | null> {
    return this.inMailbox(userId, mailboxId, (client, id) => this.sortRepo.sortedUids(client, id, clampUid(span.from), clampUid(span.to), key, reverse));
  }

  async searchText(userId: UserId, mailboxId: MailboxId, text: string, where: 'body' | 'text'): Promise<number[]> {
    const missing = new Map<number, MessageText>();
    const out = await this.inMailbox(userId, mailboxId, (client, id) => this.textRepo.search(client, id, text, where, missing));
    await this.textRepo.backfill(missing);
    return out;
  }

  async previews(userId: UserId, mailboxId: MailboxId, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    return this.inMailbox(userId, mailboxId, (client, id) => this.textRepo.previews(client, id, uids, lazy));
  }
}
