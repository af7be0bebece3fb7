// The SQLite implementation of the Store (SPEC R9): each use case is one BEGIN IMMEDIATE transaction, and its
// changes are published on the feed only after the commit (SPEC R7.5). Also offers check and online backup.
import type { MessageForms } from '../../mime/render/forms.js';
import { ChangeFeed, type ChangeListener, type MailboxChange } from '../changes.js';
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
  MailboxSnapshot,
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
import { backupDatabase, type BackupResult } from './backup.js';
import { checkStore, type CheckOptions, type CheckReport } from './check.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase, writeTransaction, type SqliteDb } from './database.js';
import { FeedWatcher } from './feed-watcher.js';
import { StoreError } from '../errors.js';
import { prepareImport } from './import.js';
import { RecentFloor } from './recent-floor.js';
import { createMailbox, deleteMailbox, renameMailbox } from './mailbox-ops.js';
import { validateMailboxName } from './names.js';
import { migrate, type Migration } from './migrate.js';
import { createRepos, type Outcome, type Repos } from './repos.js';
import { toMailboxInfo, toMessageMeta, toUser, toUserWithCredentials } from './rows.js';
import { setFlags } from './set-flags.js';
import { IngestWriter, type IngestMode } from './ingest/ingest-writer.js';
import { pingStore, storeSize, type StoreSize } from './size.js';
import { TextIndex, type TextIndexBacklog, type TextIndexMode, type TextIndexOptions } from './text-index/text-index.js';
import { copy, expunge, move } from './transfer.js';

export interface SqliteStoreOptions {
  /** Database file; created (with its directory's permission) when absent. */
  path: string;
  /** How long a writer waits for another process's lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Migrations to apply instead of migrations/ (tests). */
  migrations?: readonly Migration[];
  /** Who fills the full-text index: a background thread (the server) or each search (default). */
  textIndex?: TextIndexMode;
  /** Told when the full-text indexer fails (searches stay complete). */
  onTextIndexError?: (err: Error) => void;
  /** How far ingest may run ahead of the indexer thread, and what it keeps meanwhile (text-index.ts). */
  textIndexTuning?: Pick<TextIndexOptions, 'maxUnextracted' | 'cacheChars' | 'keepUpTimeoutMs'>;
  /** Where deliveries and APPENDs are written: a writer thread with group commit (the server) or inline (default). */
  ingest?: IngestMode;
  /** Told when the writer thread fails (writes continue inline). */
  onIngestError?: (err: Error) => void;
  /** Spooled (large) bodies the writer thread holds in memory at once (issue 12 item 13); default 2. */
  maxLargeBodies?: number;
  /** How often other connections' commits are looked for while sessions listen (issue 13 item 5); default 250 ms. */
  feedPollMs?: number;
  /** Expunges the QRESYNC log keeps per mailbox before it forgets older ones (issue 15 item 2); default 10,000. */
  expungeLogKeep?: number;
  /** The page cache of the connection that serves sessions, in MiB (issue 14 item 6); default DEFAULT_CACHE_MIB. */
  cacheMiB?: number;
  /** Told when looking for other connections' commits fails (the next poll tries again). */
  onFeedError?: (err: Error) => void;
}

export const DEFAULT_FEED_POLL_MS = 250;
/**
 * Holds what a selective FROM/SUBJECT search of a 100,000-message mailbox reads (measured: 13 ms with it, 25 ms
 * with SQLite's 2 MiB; a full pass reads ~40 MB and gains less); small beside a server's memory, and filled only as used.
 */
export const DEFAULT_CACHE_MIB = 16;

export type BackgroundSettings = Pick<
  SqliteStoreOptions,
  | 'textIndex'
  | 'onTextIndexError'
  | 'textIndexTuning'
  | 'ingest'
  | 'onIngestError'
  | 'busyTimeoutMs'
  | 'maxLargeBodies'
  | 'feedPollMs'
  | 'onFeedError'
  | 'expungeLogKeep'
>;

export class SqliteStore implements Store {
  readonly changes = new ChangeFeed();
  private readonly repos: Repos;
  private readonly textIndex: TextIndex;
  private readonly ingest: IngestWriter;
  private readonly watcher: FeedWatcher;
  /** Issue 17 item 3: each mailbox's first unclaimed UID as far as this process knows (a lower bound). */
  private readonly recentFloor = new RecentFloor();
  private closed = false;

  constructor(
    readonly db: SqliteDb,
    opts: BackgroundSettings = {},
  ) {
    this.repos = createRepos(db);
    if (opts.expungeLogKeep !== undefined) this.repos.messages.expungeLogKeep = opts.expungeLogKeep;
    this.watcher = new FeedWatcher(db, this.changes, {
      pollMs: opts.feedPollMs ?? DEFAULT_FEED_POLL_MS,
      ...(opts.onFeedError ? { onError: opts.onFeedError } : {}),
    });
    const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.textIndex = new TextIndex(db, {
      mode: opts.textIndex ?? 'on-search',
      busyTimeoutMs,
      ...(opts.onTextIndexError ? { onError: opts.onTextIndexError } : {}),
      ...opts.textIndexTuning,
    });
    this.ingest = new IngestWriter(this.repos, {
      mode: opts.ingest ?? 'inline',
      busyTimeoutMs,
      publish: (changes) => this.publish(changes),
      ...(opts.onIngestError ? { onError: opts.onIngestError } : {}),
      ...(opts.maxLargeBodies ? { maxLargeBodies: opts.maxLargeBodies } : {}),
    });
  }

  async catchUp(mailboxId: MailboxId): Promise<void> {
    this.watcher.catchUpNow(mailboxId);
  }

  private publish(changes: MailboxChange[]): void {
    this.watcher.publishLocal(changes); // after any catch-up on other connections' commits: in commit order
    // New bodies to index, or freed ones to drop from the index (copies and moves change neither).
    if (changes.some((c) => c.kind === 'exists' || c.kind === 'expunge' || c.kind === 'deleted')) this.textIndex.poke();
  }

  /** Runs a use case in one write transaction, then publishes its changes (in commit order: ingest/). */
  private write<T>(fn: (repos: Repos) => Outcome<T>): Promise<T> {
    return this.ingest.exclusive(() => {
      const outcome = writeTransaction(this.db, () => fn(this.repos));
      this.publish(outcome.changes);
      return outcome.value;
    });
  }

  private tx<T>(fn: (repos: Repos) => T): T {
    return writeTransaction(this.db, () => fn(this.repos));
  }

  /** Several reads in one read transaction: one snapshot of the database (WAL), whatever other threads commit. */
  private snapshot<T>(fn: (repos: Repos) => T): T {
    return this.db.transaction(() => fn(this.repos)).deferred();
  }

  async createUser(name: string, credentials: StoredCredentials, opts: { quotaBytes?: number | null } = {}): Promise<User> {
    return toUser(this.tx((r) => r.users.create(name, credentials, opts.quotaBytes ?? null)));
  }

  async findUser(name: string): Promise<UserWithCredentials | null> {
    const row = this.repos.users.find(name);
    return row ? toUserWithCredentials(row) : null;
  }

  async getUser(id: UserId): Promise<User> {
    return toUser(this.repos.users.get(id));
  }

  async listUsers(): Promise<User[]> {
    return this.repos.users.list().map(toUser);
  }

  async setCredentials(userId: UserId, credentials: StoredCredentials): Promise<void> {
    this.tx((r) => r.users.setCredentials(userId, credentials));
  }

  async replaceCredentials(userId: UserId, current: StoredCredentials, next: StoredCredentials): Promise<boolean> {
    return this.tx((r) => r.users.replaceCredentials(userId, current, next));
  }

  async scramIterationCounts(): Promise<Array<{ iterations: number; accounts: number }>> {
    return this.tx((r) => r.users.scramIterationCounts());
  }

  async setQuota(userId: UserId, quotaBytes: number | null): Promise<void> {
    this.tx((r) => r.users.setQuota(userId, quotaBytes));
  }

  async setUserDisabled(userId: UserId, disabled: boolean): Promise<void> {
    this.tx((r) => r.users.setDisabled(userId, disabled));
  }

  async deleteUser(userId: UserId): Promise<void> {
    await this.write((r) => {
      const ids = r.users.delete(userId);
      return { value: undefined, changes: ids.map((mailboxId): MailboxChange => ({ kind: 'deleted', mailboxId })) };
    });
  }

  async quotaUsage(userId: UserId): Promise<QuotaUsage> {
    return this.snapshot((r) => r.users.usage(userId)); // the limit and the counters of one moment (R3.4 judges them together)
  }

  async createMailbox(userId: UserId, name: string, opts: { specialUse?: SpecialUse | null } = {}): Promise<MailboxInfo> {
    return toMailboxInfo(this.tx((r) => createMailbox(r, userId, name, opts.specialUse ?? null)));
  }

  async renameMailbox(userId: UserId, from: string, to: string, guard: PrivacyGuard = {}): Promise<void> {
    await this.write((r) => renameMailbox(r, userId, from, to, guard));
  }

  async deleteMailbox(userId: UserId, name: string, guard: PrivacyGuard = {}): Promise<void> {
    await this.write((r) => deleteMailbox(r, userId, name, guard));
  }

  async getMailbox(userId: UserId, name: string): Promise<MailboxInfo> {
    return toMailboxInfo(this.repos.mailboxes.get(userId, name));
  }

  async openMailbox(
    userId: UserId,
    name: string,
    listener: ChangeListener,
    opts: { claimRecent?: boolean; refuseProtected?: boolean } = {},
  ): Promise<OpenedMailbox> {
    // R3.4: counters and UIDs from one snapshot. Subscribing in the same synchronous step is subscribing before
    // it: a commit after the snapshot (the ingest thread's, or this thread's next write) is published from a
    // later turn of the event loop, so it reaches the listener; one before it may be published late too.
    const read = (r: Repos): MailboxSnapshot => {
      const row = r.mailboxes.get(userId, name);
      // Issue 13 item 1: a read-write SELECT claims every unclaimed UID in the transaction that reads them.
      const claim = opts.claimRecent === true && !(opts.refuseProtected === true && row.requiretls_messages > 0); // R3.4
      const firstRecentUid = claim ? r.recent.claim(row.id, row.uid_next - 1) : r.recent.first(row.id);
      return {
        info: toMailboxInfo(row),
        uids: r.messages.uids(row.id),
        firstUnseenUid: r.messages.firstUnseen(row.id),
        firstRecentUid,
        keywords: r.keywords.list(row.id),
      };
    };
    const open = (snap: MailboxSnapshot): OpenedMailbox => {
      const close = this.changes.subscribe(snap.info.id, listener);
      this.watcher.track(snap.info); // other connections' commits after the snapshot reach the listener too
      return { ...snap, close };
    };
    if (opts.claimRecent !== true) return open(this.snapshot(read));
    return this.ingest.exclusive(() => open(writeTransaction(this.db, () => read(this.repos))));
  }

  async claimRecent(userId: UserId, mailboxId: MailboxId, throughUid: number): Promise<number> {
    // Issue 17 item 3: once one session has claimed an arrival, every other session's claim is answered here.
    const known = this.recentFloor.pastThrough(userId, mailboxId, throughUid);
    if (known !== null) return known;
    return this.ingest.exclusive(() => {
      const past = this.recentFloor.pastThrough(userId, mailboxId, throughUid); // claimed while this one waited
      if (past !== null) return past;
      const from = writeTransaction(this.db, () => this.repos.recent.claim(this.repos.mailboxes.getById(userId, mailboxId).id, throughUid));
      this.recentFloor.raise(userId, mailboxId, Math.max(from, throughUid + 1)); // committed: nothing up to throughUid is left
      return from;
    });
  }

  async firstRecentUid(userId: UserId, mailboxId: MailboxId): Promise<number> {
    return this.repos.recent.first(this.repos.mailboxes.getById(userId, mailboxId).id);
  }

  async mailboxStatus(userId: UserId, name: string, opts: MailboxStatusOptions = {}): Promise<MailboxStatus> {
    return this.snapshot((r) => {
      const row = r.mailboxes.get(userId, name);
      return {
        info: toMailboxInfo(row),
        deleted: opts.deleted === true ? row.deleted : null,
        recent: opts.recent === true ? r.recent.count(row.id) : null,
        deletedStorage: opts.deletedStorage !== true ? null : row.deleted === 0 ? 0 : r.messages.deletedBytes(row.id),
      };
    });
  }

  async getMailboxById(userId: UserId, id: MailboxId): Promise<MailboxInfo> {
    return toMailboxInfo(this.repos.mailboxes.getById(userId, id));
  }

  async listMailboxes(userId: UserId): Promise<MailboxInfo[]> {
    return this.repos.mailboxes.list(userId).map(toMailboxInfo);
  }

  async listNoselect(userId: UserId): Promise<string[]> {
    return this.repos.noselect.list(userId);
  }

  async subscribe(userId: UserId, name: string): Promise<void> {
    validateMailboxName(name); // a name no mailbox could have is refused (an imported subscriptions file, SUBSCRIBE)
    this.tx((r) => r.mailboxes.subscribe(r.users.get(userId).id, name));
  }

  async unsubscribe(userId: UserId, name: string): Promise<void> {
    this.tx((r) => r.mailboxes.unsubscribe(userId, name));
  }

  async prepareImport(userId: UserId, name: string, opts: { uidValidity?: number; modseqFloor?: number } = {}): Promise<MailboxInfo> {
    return toMailboxInfo(this.tx((r) => prepareImport(r, r.users.get(userId).id, name, opts.uidValidity, opts.modseqFloor)));
  }

  async raiseUidNext(userId: UserId, mailboxId: MailboxId, uidNext: number): Promise<void> {
    this.tx((r) => r.mailboxes.raiseUidNext(r.mailboxes.getById(userId, mailboxId).id, uidNext));
  }

  async pop3Uidls(userId: UserId, mailboxId: MailboxId): Promise<Map<number, string>> {
    return this.repos.messages.pop3Uidls(this.repos.mailboxes.getById(userId, mailboxId).id);
  }

  async listSubscriptions(userId: UserId): Promise<string[]> {
    return this.repos.mailboxes.subscriptions(userId);
  }

  async deliver(input: DeliveryInput): Promise<DeliveryResult[]> {
    const outcome = await this.ingest.run({ kind: 'deliver', input });
    if (!outcome.ok) throw outcome.error;
    if (outcome.kind !== 'deliver') throw new Error('ingest: a delivery came back as another kind of job');
    await this.textIndex.keepUp(); // the text index keeps pace with ingest (issue 14 item 4)
    return outcome.value;
  }

  async append(userId: UserId, mailboxId: MailboxId, input: AppendInput, guard: PrivacyGuard = {}): Promise<AppendResult> {
    const [result] = await this.appendAll(userId, mailboxId, [input], guard);
    return result!;
  }

  async appendAll(userId: UserId, mailboxId: MailboxId, inputs: readonly AppendInput[], guard: PrivacyGuard = {}): Promise<AppendResult[]> {
    const outcome = await this.ingest.run({ kind: 'append', userId, mailboxId, inputs: [...inputs], guard });
    if (!outcome.ok) throw outcome.error;
    if (outcome.kind !== 'append') throw new Error('ingest: an APPEND came back as another kind of job');
    await this.textIndex.keepUp();
    return outcome.value;
  }

  async copy(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard: PrivacyGuard = {}): Promise<CopyResult> {
    return this.write((r) => copy(r, userId, from, uids, to, guard));
  }

  async move(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard: PrivacyGuard = {}): Promise<CopyResult> {
    return this.write((r) => move(r, userId, from, uids, to, guard));
  }

  async expunge(
    userId: UserId,
    mailboxId: MailboxId,
    opts: { uids?: readonly number[]; force?: boolean } = {},
  ): Promise<number[]> {
    return this.write((r) => expunge(r, userId, mailboxId, opts));
  }

  async setFlags(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    mode: FlagMode,
    flags: readonly string[],
    opts: { unchangedSince?: number } = {},
  ): Promise<SetFlagsResult> {
    return this.write((r) => setFlags(r, userId, mailboxId, uids, mode, flags, opts));
  }

  async listMessages(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[]): Promise<MessageMeta[]> {
    const mailbox = this.repos.mailboxes.getById(userId, mailboxId);
    return this.repos.messages.list(mailbox.id, ranges).map(toMessageMeta);
  }

  async listUids(userId: UserId, mailboxId: MailboxId): Promise<number[]> {
    return this.repos.messages.uids(this.repos.mailboxes.getById(userId, mailboxId).id);
  }

  async firstUnseenUid(userId: UserId, mailboxId: MailboxId): Promise<number | null> {
    return this.repos.messages.firstUnseen(this.repos.mailboxes.getById(userId, mailboxId).id);
  }

  async removedFields(userId: UserId, mailboxId: MailboxId, uid: number): Promise<RemovedFieldRecord[] | null> {
    const json = this.repos.messages.removedFields(this.repos.mailboxes.getById(userId, mailboxId).id, uid);
    if (json === undefined) throw new StoreError('not-found', `no message with UID ${uid}`);
    return json === null ? null : (JSON.parse(json) as RemovedFieldRecord[]);
  }

  async readMessage(
    userId: UserId,
    mailboxId: MailboxId,
    uid: number,
    range?: { offset: number; length: number },
  ): Promise<Buffer> {
    return this.repos.messages.read(this.repos.mailboxes.getById(userId, mailboxId).id, uid, range);
  }

  async readMessages(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    maxBytes: number,
  ): Promise<Array<{ uid: number; prefix: Buffer; body: Buffer }>> {
    return this.repos.messages.readMany(this.repos.mailboxes.getById(userId, mailboxId).id, uids, maxBytes);
  }

  async messageForms(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    utf8: boolean,
    only?: ReadonlyArray<keyof MessageForms>,
  ): Promise<Map<number, Partial<MessageForms>>> {
    return this.repos.renderings.forms(this.repos.mailboxes.getById(userId, mailboxId).id, uids, utf8, only);
  }

  async messageStructures(userId: UserId, mailboxId: MailboxId, uids: readonly number[]): Promise<Map<number, MessageStructure>> {
    return this.repos.bodyIndex.structures(this.repos.mailboxes.getById(userId, mailboxId).id, uids);
  }

  async searchFields(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    fields: readonly SearchFieldName[],
  ): Promise<Map<number, SearchFields>> {
    return this.repos.searchFields.fields(this.repos.mailboxes.getById(userId, mailboxId).id, uids, fields);
  }

  async searchListing(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[], held?: HeldMessages): Promise<SearchListing> {
    return this.snapshot((r) => r.searchKeys.listing(r.mailboxes.getById(userId, mailboxId).id, ranges, held));
  }

  async searchKey(userId: UserId, mailboxId: MailboxId, key: MailboxSearchKey, span: UidRange): Promise<KeyMatches> {
    return this.repos.searchKeys.matches(this.repos.mailboxes.getById(userId, mailboxId).id, key, span);
  }

  async searchIds(userId: UserId, mailboxId: MailboxId, field: IdFieldName, token: string): Promise<IdMatches> {
    return this.snapshot((r) => r.searchFields.idMatches(r.mailboxes.getById(userId, mailboxId).id, field, token));
  }

  async sortKeys(userId: UserId, mailboxId: MailboxId, span: UidRange, need?: readonly SortKeyNeed[]): Promise<MessageSortKeys[]> {
    return this.repos.sortKeys.keys(this.repos.mailboxes.getById(userId, mailboxId).id, span.from, span.to, need);
  }

  async sortedUids(userId: UserId, mailboxId: MailboxId, span: UidRange, key: SimpleSortKey, reverse: boolean): Promise<number[] | null> {
    return this.repos.sortKeys.sortedUids(this.repos.mailboxes.getById(userId, mailboxId).id, span.from, span.to, key, reverse);
  }

  /** Where the full-text index stands (bodies stored, indexed, and at hand in the indexer thread). */
  textIndexBacklog(): TextIndexBacklog {
    return this.textIndex.backlog();
  }

  async searchText(userId: UserId, mailboxId: MailboxId, text: string, where: 'body' | 'text'): Promise<number[]> {
    return this.textIndex.search(this.repos.mailboxes.getById(userId, mailboxId).id, text, where);
  }

  async previews(userId: UserId, mailboxId: MailboxId, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    return this.textIndex.previews(this.repos.mailboxes.getById(userId, mailboxId).id, uids, lazy);
  }

  async expungedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[]> {
    return this.repos.messages.expungedSince(this.repos.mailboxes.getById(userId, mailboxId).id, sinceModseq);
  }

  async vanishedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[] | null> {
    return this.snapshot((r) => {
      const id = r.mailboxes.getById(userId, mailboxId).id;
      if (r.messages.expungeHorizon(id) > sinceModseq) return null; // issue 15 item 2: forgotten past the horizon
      return r.messages.expungedSince(id, sinceModseq);
    });
  }

  async changedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<MessageMeta[]> {
    return this.snapshot((r) => r.messages.changedSince(r.mailboxes.getById(userId, mailboxId).id, sinceModseq).map(toMessageMeta));
  }

  /** Verifies every counter and reference count (SPEC R9.3); see check.ts. */
  async check(opts: CheckOptions = {}): Promise<CheckReport> {
    return checkStore(this.db, opts);
  }

  /** Database bytes, messages and bodies (issue 16 item 4: the metrics' store size). */
  size(): StoreSize {
    return storeSize(this.db);
  }

  /** The health endpoint's trivial read; throws when the store cannot answer (issue 16 item 4). */
  ping(): void {
    if (this.closed) throw new Error('the store is closed');
    pingStore(this.db);
  }

  /** Online backup to a file (SPEC R10.3). */
  async backup(destination: string): Promise<BackupResult> {
    return backupDatabase(this.db, destination);
  }

  /** One Postern process serves a SQLite store: its POP3 server's own lock is the whole lock (SPEC R8.2). */
  async lockMaildrop(_userId: UserId): Promise<boolean> {
    return true;
  }

  async unlockMaildrop(_userId: UserId): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    await this.ingest.close();
    await this.textIndex.close();
    this.db.close();
  }
}

/** Opens (creating if needed) and migrates the database at `path`. */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  const db = openDatabase(opts.path, {
    ...(opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs }),
    cacheMiB: opts.cacheMiB ?? DEFAULT_CACHE_MIB,
  });
  try {
    migrate(db, opts.migrations);
    return new SqliteStore(db, opts);
  } catch (err) {
    db.close();
    throw err;
  }
}
