// The PostgreSQL implementation of the Store (issue 18, SPEC R9.4): several front ends over one database. Each
// use case is one transaction; its changes are announced to the other front ends at commit (LISTEN/NOTIFY,
// feed.ts) and published to this process's feed after it. The use cases live in accounts.ts, writes.ts, reads.ts
// and search.ts.
import { randomBytes } from 'node:crypto';
import type { MessageForms } from '../../mime/render/forms.js';
import { ChangeFeed, type ChangeListener } from '../changes.js';
import type { Store } from '../store.js';
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
import { AccountOps } from './accounts.js';
import { PgContext } from './context.js';
import { PgMaildropLocks } from './maildrop-locks.js';
import { openPool, type PgPool } from './database.js';
import { PgFeedWatcher } from './feed.js';
import { migratePg } from './migrate.js';
import { ReadOps } from './reads.js';
import { SearchOps } from './search.js';
import { WriteOps } from './writes.js';

export interface PostgresStoreOptions {
  /** `postgresql://user@host/db` (or `?host=/socket/dir`). */
  url: string;
  /** Pooled connections at most (default 10). */
  poolSize?: number;
  /** Failures of the cross-front-end change feed (it reconnects by itself). */
  onFeedError?: (err: Error) => void;
  /** Expunges the QRESYNC log keeps per mailbox before it forgets older ones (issue 15 item 2); default 10,000. */
  expungeLogKeep?: number;
  /**
   * Whether to listen to the other front ends' changes (default true). A CLI command has no session to tell: it
   * opens no listening connection (its own changes are still announced to the front ends at commit).
   */
  listen?: boolean;
}

export class PostgresStore implements Store {
  readonly changes = new ChangeFeed();
  private readonly ctx: PgContext;
  private readonly accounts: AccountOps;
  private readonly writes: WriteOps;
  private readonly reads: ReadOps;
  private readonly searches: SearchOps;
  /** Other front ends' changes to mailboxes listened to here, re-read and published on `changes` (feed.ts). */
  readonly watcher: PgFeedWatcher;
  /** POP3 maildrop locks shared by the front ends (advisory locks on one connection). */
  private readonly maildrops: PgMaildropLocks;
  private closed = false;

  /** The feed across front ends listens once `watcher.start()` is called (openPostgresStore does). */
  constructor(readonly pool: PgPool, opts: Partial<Pick<PostgresStoreOptions, 'url' | 'onFeedError' | 'expungeLogKeep'>> = {}) {
    this.ctx = new PgContext(pool, this.changes, randomBytes(9).toString('base64url'));
    const url = opts.url ?? (pool as unknown as { options: { connectionString?: string } }).options.connectionString ?? '';
    this.watcher = new PgFeedWatcher(pool, this.changes, { url, origin: this.ctx.origin, onError: opts.onFeedError });
    this.maildrops = new PgMaildropLocks(url, opts.onFeedError);
    this.ctx.track = (info) => this.watcher.track(info);
    this.ctx.publish = (changes) => this.watcher.afterCommit(changes);
    this.accounts = new AccountOps(this.ctx);
    this.writes = new WriteOps(this.ctx);
    if (opts.expungeLogKeep !== undefined) this.writes.expungeLogKeep = opts.expungeLogKeep;
    this.reads = new ReadOps(this.ctx);
    this.searches = new SearchOps(this.ctx);
  }

  catchUp(mailboxId: MailboxId): Promise<void> {
    return this.watcher.catchUpNow(mailboxId);
  }

  createUser(name: string, credentials: StoredCredentials, opts?: { quotaBytes?: number | null }): Promise<User> {
    return this.accounts.createUser(name, credentials, opts);
  }

  findUser(name: string): Promise<UserWithCredentials | null> {
    return this.accounts.findUser(name);
  }

  getUser(id: UserId): Promise<User> {
    return this.accounts.getUser(id);
  }

  listUsers(): Promise<User[]> {
    return this.accounts.listUsers();
  }

  setCredentials(userId: UserId, credentials: StoredCredentials): Promise<void> {
    return this.accounts.setCredentials(userId, credentials);
  }

  replaceCredentials(userId: UserId, current: StoredCredentials, next: StoredCredentials): Promise<boolean> {
    return this.accounts.replaceCredentials(userId, current, next);
  }

  scramIterationCounts(): Promise<Array<{ iterations: number; accounts: number }>> {
    return this.accounts.scramIterationCounts();
  }

  setQuota(userId: UserId, quotaBytes: number | null): Promise<void> {
    return this.accounts.setQuota(userId, quotaBytes);
  }

  setUserDisabled(userId: UserId, disabled: boolean): Promise<void> {
    return this.accounts.setUserDisabled(userId, disabled);
  }

  deleteUser(userId: UserId): Promise<void> {
    return this.accounts.deleteUser(userId);
  }

  quotaUsage(userId: UserId): Promise<QuotaUsage> {
    return this.accounts.quotaUsage(userId);
  }

  createMailbox(userId: UserId, name: string, opts?: { specialUse?: SpecialUse | null }): Promise<MailboxInfo> {
    return this.accounts.createMailbox(userId, name, opts);
  }

  renameMailbox(userId: UserId, from: string, to: string, guard?: PrivacyGuard): Promise<void> {
    return this.accounts.renameMailbox(userId, from, to, guard);
  }

  deleteMailbox(userId: UserId, name: string, guard?: PrivacyGuard): Promise<void> {
    return this.accounts.deleteMailbox(userId, name, guard);
  }

  getMailbox(userId: UserId, name: string): Promise<MailboxInfo> {
    return this.accounts.getMailbox(userId, name);
  }

  openMailbox( userId: UserId, name: string, listener: ChangeListener, opts?: { claimRecent?: boolean; refuseProtected?: boolean }, ): Promise<OpenedMailbox> {
    return this.accounts.openMailbox(userId, name, listener, opts);
  }

  claimRecent(userId: UserId, mailboxId: MailboxId, throughUid: number): Promise<number> {
    return this.accounts.claimRecent(userId, mailboxId, throughUid);
  }

  firstRecentUid(userId: UserId, mailboxId: MailboxId): Promise<number> {
    return this.accounts.firstRecentUid(userId, mailboxId);
  }

  mailboxStatus(userId: UserId, name: string, opts?: MailboxStatusOptions): Promise<MailboxStatus> {
    return this.accounts.mailboxStatus(userId, name, opts);
  }

  getMailboxById(userId: UserId, id: MailboxId): Promise<MailboxInfo> {
    return this.accounts.getMailboxById(userId, id);
  }

  listMailboxes(userId: UserId): Promise<MailboxInfo[]> {
    return this.accounts.listMailboxes(userId);
  }

  listNoselect(userId: UserId): Promise<string[]> {
    return this.accounts.listNoselect(userId);
  }

  subscribe(userId: UserId, name: string): Promise<void> {
    return this.accounts.subscribe(userId, name);
  }

  unsubscribe(userId: UserId, name: string): Promise<void> {
    return this.accounts.unsubscribe(userId, name);
  }

  listSubscriptions(userId: UserId): Promise<string[]> {
    return this.accounts.listSubscriptions(userId);
  }

  prepareImport(userId: UserId, name: string, opts?: { uidValidity?: number; modseqFloor?: number }): Promise<MailboxInfo> {
    return this.accounts.prepareImport(userId, name, opts);
  }

  raiseUidNext(userId: UserId, mailboxId: MailboxId, uidNext: number): Promise<void> {
    return this.accounts.raiseUidNext(userId, mailboxId, uidNext);
  }

  deliver(input: DeliveryInput): Promise<DeliveryResult[]> {
    return this.writes.deliver(input);
  }

  append(userId: UserId, mailboxId: MailboxId, input: AppendInput, guard?: PrivacyGuard): Promise<AppendResult> {
    return this.writes.append(userId, mailboxId, input, guard);
  }

  appendAll(userId: UserId, mailboxId: MailboxId, inputs: readonly AppendInput[], guard?: PrivacyGuard): Promise<AppendResult[]> {
    return this.writes.appendAll(userId, mailboxId, inputs, guard);
  }

  copy(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard?: PrivacyGuard): Promise<CopyResult> {
    return this.writes.copy(userId, from, uids, to, guard);
  }

  move(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard?: PrivacyGuard): Promise<CopyResult> {
    return this.writes.move(userId, from, uids, to, guard);
  }

  expunge(userId: UserId, mailboxId: MailboxId, opts?: { uids?: readonly number[]; force?: boolean }): Promise<number[]> {
    return this.writes.expunge(userId, mailboxId, opts);
  }

  setFlags( userId: UserId, mailboxId: MailboxId, uids: readonly number[], mode: FlagMode, flags: readonly string[], opts?: { unchangedSince?: number }, ): Promise<SetFlagsResult> {
    return this.writes.setFlags(userId, mailboxId, uids, mode, flags, opts);
  }

  pop3Uidls(userId: UserId, mailboxId: MailboxId): Promise<Map<number, string>> {
    return this.reads.pop3Uidls(userId, mailboxId);
  }

  listMessages(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[]): Promise<MessageMeta[]> {
    return this.reads.listMessages(userId, mailboxId, ranges);
  }

  listUids(userId: UserId, mailboxId: MailboxId): Promise<number[]> {
    return this.reads.listUids(userId, mailboxId);
  }

  firstUnseenUid(userId: UserId, mailboxId: MailboxId): Promise<number | null> {
    return this.reads.firstUnseenUid(userId, mailboxId);
  }

  removedFields(userId: UserId, mailboxId: MailboxId, uid: number): Promise<RemovedFieldRecord[] | null> {
    return this.reads.removedFields(userId, mailboxId, uid);
  }

  readMessage(userId: UserId, mailboxId: MailboxId, uid: number, range?: { offset: number; length: number }): Promise<Buffer> {
    return this.reads.readMessage(userId, mailboxId, uid, range);
  }

  readMessages( userId: UserId, mailboxId: MailboxId, uids: readonly number[], maxBytes: number, ): Promise<Array<{ uid: number; prefix: Buffer; body: Buffer }>> {
    return this.reads.readMessages(userId, mailboxId, uids, maxBytes);
  }

  messageForms( userId: UserId, mailboxId: MailboxId, uids: readonly number[], utf8: boolean, only?: ReadonlyArray<keyof MessageForms>, ): Promise<Map<number, Partial<MessageForms>>> {
    return this.reads.messageForms(userId, mailboxId, uids, utf8, only);
  }

  messageStructures(userId: UserId, mailboxId: MailboxId, uids: readonly number[]): Promise<Map<number, MessageStructure>> {
    return this.reads.messageStructures(userId, mailboxId, uids);
  }

  expungedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[]> {
    return this.reads.expungedSince(userId, mailboxId, sinceModseq);
  }

  vanishedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[] | null> {
    return this.reads.vanishedSince(userId, mailboxId, sinceModseq);
  }

  changedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<MessageMeta[]> {
    return this.reads.changedSince(userId, mailboxId, sinceModseq);
  }

  searchFields( userId: UserId, mailboxId: MailboxId, uids: readonly number[], fields: readonly SearchFieldName[], ): Promise<Map<number, SearchFields>> {
    return this.searches.searchFields(userId, mailboxId, uids, fields);
  }

  searchListing(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[], held?: HeldMessages): Promise<SearchListing> {
    return this.searches.searchListing(userId, mailboxId, ranges, held);
  }

  searchKey(userId: UserId, mailboxId: MailboxId, key: MailboxSearchKey, span: UidRange): Promise<KeyMatches> {
    return this.searches.searchKey(userId, mailboxId, key, span);
  }

  searchIds(userId: UserId, mailboxId: MailboxId, field: IdFieldName, token: string): Promise<IdMatches> {
    return this.searches.searchIds(userId, mailboxId, field, token);
  }

  sortKeys(userId: UserId, mailboxId: MailboxId, span: UidRange, need?: readonly SortKeyNeed[]): Promise<MessageSortKeys[]> {
    return this.searches.sortKeys(userId, mailboxId, span, need);
  }

  sortedUids(userId: UserId, mailboxId: MailboxId, span: UidRange, key: SimpleSortKey, reverse: boolean): Promise<number[] | null> {
    return this.searches.sortedUids(userId, mailboxId, span, key, reverse);
  }

  searchText(userId: UserId, mailboxId: MailboxId, text: string, where: 'body' | 'text'): Promise<number[]> {
    return this.searches.searchText(userId, mailboxId, text, where);
  }

  previews(userId: UserId, mailboxId: MailboxId, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    return this.searches.previews(userId, mailboxId, uids, lazy);
  }

  /**
   * The health endpoint's check (issue 16 item 4), synchronous as SQLite's: throws when the store is closed or its
   * connection listening to the other front ends is down (the database is unreachable; it reconnects by itself).
   */
  ping(): void {
    if (this.closed) throw new Error('the store is closed');
    if (!this.watcher.connected) throw new Error('the database connection is lost; reconnecting');
  }

  lockMaildrop(userId: UserId): Promise<boolean> {
    return this.maildrops.lock(userId);
  }

  unlockMaildrop(userId: UserId): Promise<void> {
    return this.maildrops.unlock(userId);
  }

  /**
   * Refreshes PostgreSQL's planner statistics (ANALYZE) and returns the tables it analysed. After a bulk load
   * (migrate-store) the tables have none, or ones taken when they were small, until autovacuum comes round: the
   * planner then reads every text of a large mailbox for a SEARCH TEXT the trigram index answers in milliseconds.
   */
  async analyze(): Promise<number> {
    await this.pool.query('ANALYZE');
    const { rows } = await this.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze IS NOT NULL",
    );
    return rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.maildrops.close();
    await this.watcher.close();
    await this.pool.end();
  }
}

/** Opens the pool, brings the schema up to date and (unless `listen: false`) starts listening to the other front ends' changes. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = openPool({ url: opts.url, max: opts.poolSize ?? 10 });
  try {
    await migratePg(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const store = new PostgresStore(pool, opts);
  if (opts.listen === false) return store;
  try {
    await store.watcher.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
