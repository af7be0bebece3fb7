// The Store interface (SPEC R9.4): whole use cases, each one atomic transaction, async so that another
// backend (PostgreSQL) can implement it. Protocols depend on this file, never on store/sqlite/.
import type { MessageForms } from '../mime/render/forms.js';
import type { ChangeFeed, ChangeListener } from './changes.js';
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
} from './types.js';

export interface Store {
  /** Change notifications, published after each commit. */
  readonly changes: ChangeFeed;
  /**
   * Issue 18 item 4: publishes on `changes` now what other processes (another front end, the CLI) have committed
   * to the mailbox and its listeners here have not been told yet — so that a NOOP answers from the mailbox as it
   * is, not as the last notification left it. Settles once published; cheap when nothing changed (one read of
   * the mailbox's row). Nothing happens for a mailbox nobody here listens to.
   */
  catchUp(mailboxId: MailboxId): Promise<void>;

  // ---- users (SPEC R6.3) --------------------------------------------------------------------------------
  /** Creates the user and the default mailboxes (SPEC R7.6) in one transaction. */
  createUser(name: string, credentials: StoredCredentials, opts?: { quotaBytes?: number | null }): Promise<User>;
  /** Case-insensitive lookup by login name; null when there is none. */
  findUser(name: string): Promise<UserWithCredentials | null>;
  getUser(id: UserId): Promise<User>;
  listUsers(): Promise<User[]>;
  setCredentials(userId: UserId, credentials: StoredCredentials): Promise<void>;
  /**
   * Issue 17 item 1: replaces the credentials only while they are still `current`, so that renewing them after a
   * login never undoes a password changed meanwhile; true when replaced, false when they had changed (or the
   * user is gone).
   */
  replaceCredentials(userId: UserId, current: StoredCredentials, next: StoredCredentials): Promise<boolean>;
  /** How many accounts hold SCRAM keys of each iteration count (decoys for unknown names follow it, R6.4). */
  scramIterationCounts(): Promise<Array<{ iterations: number; accounts: number }>>;
  setQuota(userId: UserId, quotaBytes: number | null): Promise<void>;
  /** Issue 16 item 7: disables (no login) or enables the account; its mail is untouched. */
  setUserDisabled(userId: UserId, disabled: boolean): Promise<void>;
  /** Deletes the user, their mailboxes and messages; bodies whose last reference goes are freed. */
  deleteUser(userId: UserId): Promise<void>;
  quotaUsage(userId: UserId): Promise<QuotaUsage>;

  // ---- mailboxes ------------------------------------------------------------------------------------------
  /** Creates the mailbox and any missing parents (RFC 9051 §6.3.4). 'exists' if it exists. */
  createMailbox(userId: UserId, name: string, opts?: { specialUse?: SpecialUse | null }): Promise<MailboxInfo>;
  /** Renames the mailbox and its inferiors; renaming INBOX moves its messages to a new mailbox (RFC 9051 §6.3.6). */
  renameMailbox(userId: UserId, from: string, to: string, guard?: PrivacyGuard): Promise<void>;
  /**
   * Deletes the mailbox and its messages; INBOX cannot be deleted. One with inferiors leaves its name \Noselect
   * (RFC 3501 §6.3.4) until CREATE revives it or its last inferior goes; a \Noselect name is 'has-children'.
   */
  deleteMailbox(userId: UserId, name: string, guard?: PrivacyGuard): Promise<void>;
  /** Name lookup; INBOX matches case-insensitively. 'not-found' when absent. */
  getMailbox(userId: UserId, name: string): Promise<MailboxInfo>;
  /**
   * R3.4, R7.5: the mailbox's counters, UIDs and first unseen UID from one read snapshot, with `listener`
   * subscribed to its changes so that every change committed after the snapshot reaches it (changes committed
   * before it may reach it too: a listener must tolerate them). 'not-found' when absent. With `claimRecent`
   * (a read-write SELECT, RFC 3501 §2.3.2), every message not yet claimed as \Recent is claimed by the opener
   * in the same transaction as the snapshot (issue 13 item 1) — unless `refuseProtected` and the mailbox holds
   * REQUIRETLS mail (R3.4: the opener will be refused).
   */
  openMailbox(
    userId: UserId,
    name: string,
    listener: ChangeListener,
    opts?: { claimRecent?: boolean; refuseProtected?: boolean },
  ): Promise<OpenedMailbox>;
  /**
   * RFC 3501 §2.3.2: claims as \Recent, atomically (exactly one claimant wins, in any process), every message
   * up to `throughUid` that nobody has claimed. Returns the first recent UID before the claim: the caller's
   * UIDs in [returned, throughUid] are \Recent to it alone.
   */
  claimRecent(userId: UserId, mailboxId: MailboxId, throughUid: number): Promise<number>;
  /** The lowest UID no session has claimed as \Recent (EXAMINE shows those as \Recent without claiming). */
  firstRecentUid(userId: UserId, mailboxId: MailboxId): Promise<number>;
  /** R3.4: the mailbox's counters (and, when asked, its \Deleted and \Recent counts) from one read snapshot. */
  mailboxStatus(userId: UserId, name: string, opts?: MailboxStatusOptions): Promise<MailboxStatus>;
  getMailboxById(userId: UserId, id: MailboxId): Promise<MailboxInfo>;
  listMailboxes(userId: UserId): Promise<MailboxInfo[]>;
  /** The \Noselect names left by DELETE of a mailbox with inferiors (not mailboxes: no counters, no id). */
  listNoselect(userId: UserId): Promise<string[]>;
  /** Subscriptions are names, and may name mailboxes that do not exist (RFC 9051 §6.3.7). */
  subscribe(userId: UserId, name: string): Promise<void>;
  unsubscribe(userId: UserId, name: string): Promise<void>;
  listSubscriptions(userId: UserId): Promise<string[]>;
  /**
   * `postern import` (issue 16 item 1): the mailbox (created with its parents when absent), given the source's
   * UIDVALIDITY when it is empty; 'exists' when it holds messages under another. Messages then come with
   * AppendInput.uid. A mailbox that adopts the UIDVALIDITY ranks every later change above the mod-sequences clients
   * cached from the source: above 2^32, or above `modseqFloor` when higher (migrate-store: the source's HIGHESTMODSEQ).
   */
  prepareImport(userId: UserId, name: string, opts?: { uidValidity?: number; modseqFloor?: number }): Promise<MailboxInfo>;
  /** `postern import`: UIDNEXT at least `uidNext` (the source's, above the UIDs it expunged). */
  raiseUidNext(userId: UserId, mailboxId: MailboxId, uidNext: number): Promise<void>;
  /** RFC 1939 §7: the POP3 unique-ids imported with the mailbox's messages (the others have none), by UID. */
  pop3Uidls(userId: UserId, mailboxId: MailboxId): Promise<Map<number, string>>;

  // ---- messages -------------------------------------------------------------------------------------------
  /** One message to several recipients; the body is stored once; one result per recipient (SPEC R1.4, R1.8). */
  deliver(input: DeliveryInput): Promise<DeliveryResult[]>;
  append(userId: UserId, mailboxId: MailboxId, input: AppendInput, guard?: PrivacyGuard): Promise<AppendResult>;
  /** RFC 3502 MULTIAPPEND: several messages in one transaction, all stored (results in order) or none. */
  appendAll(userId: UserId, mailboxId: MailboxId, inputs: readonly AppendInput[], guard?: PrivacyGuard): Promise<AppendResult[]>;
  /** Copies the messages with these UIDs; flags, dates and REQUIRETLS travel with them (SPEC R3.3). */
  copy(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard?: PrivacyGuard): Promise<CopyResult>;
  /** Copy and expunge from the source in one transaction (RFC 6851). */
  move(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard?: PrivacyGuard): Promise<CopyResult>;
  /**
   * Removes messages flagged \Deleted; with `uids`, only those among them (UID EXPUNGE). With `force`,
   * removes the listed UIDs whatever their flags (POP3 QUIT). Returns the removed UIDs in ascending order.
   */
  expunge(userId: UserId, mailboxId: MailboxId, opts?: { uids?: readonly number[]; force?: boolean }): Promise<number[]>;
  setFlags(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    mode: FlagMode,
    flags: readonly string[],
    opts?: { unchangedSince?: number },
  ): Promise<SetFlagsResult>;
  /** Metadata of the messages whose UIDs fall in the ranges, ascending by UID. */
  listMessages(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[]): Promise<MessageMeta[]>;
  /** All UIDs of the mailbox, ascending (for building a session's sequence map). */
  listUids(userId: UserId, mailboxId: MailboxId): Promise<number[]>;
  /** The lowest UID without \Seen (IMAP SELECT's UNSEEN), or null when all are seen. */
  firstUnseenUid(userId: UserId, mailboxId: MailboxId): Promise<number | null>;
  /**
   * The header fields removed at ingest of one message (SPEC R2.2; issue 16 item 7): null when not recorded
   * (stored before migrations/0019); throws not-found when there is no such message.
   */
  removedFields(userId: UserId, mailboxId: MailboxId, uid: number): Promise<RemovedFieldRecord[] | null>;
  /** The whole message as served, or `length` octets from `offset` (clamped to the message). */
  readMessage(userId: UserId, mailboxId: MailboxId, uid: number, range?: { offset: number; length: number }): Promise<Buffer>;
  /**
   * Whole messages in one read: those among `uids` that exist, ascending, each as its trace prefix and body
   * (served = prefix || body). Stops after the message that brings the total to `maxBytes` or more (so at
   * least one when any exists): ask again for the UIDs above the last one returned.
   */
  readMessages(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    maxBytes: number,
  ): Promise<Array<{ uid: number; prefix: Buffer; body: Buffer }>>;
  /**
   * The ENVELOPE, BODY and BODYSTRUCTURE wire forms (without UTF8=ACCEPT, or with it: RFC 6855 §3) of each listed
   * message that exists: rendered at ingest and stored with the body (issue 17 item 2), read in one join. Each map
   * value holds at least the forms named in `only` (default: all three).
   */
  messageForms(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    utf8: boolean,
    only?: ReadonlyArray<keyof MessageForms>,
  ): Promise<Map<number, Partial<MessageForms>>>;
  /** The MIME structure of each listed message that exists (SPEC R7.3: computed at ingest, never re-parsed). */
  messageStructures(userId: UserId, mailboxId: MailboxId, uids: readonly number[]): Promise<Map<number, MessageStructure>>;
  /**
   * What SEARCH SENT* and FROM/TO/CC/BCC/SUBJECT compare, for each listed message that exists (SPEC R7.4: kept
   * per body at ingest, so no header is read): the sent day, and the values of the fields named in `fields`.
   */
  searchFields(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    fields: readonly SearchFieldName[],
  ): Promise<Map<number, SearchFields>>;
  /**
   * The mailbox's UIDs within `ranges` (all when none) and the REQUIRETLS ones among them, in one snapshot.
   * Without ranges and with `held`, first counts the messages with a UID up to `held.through` (an index count,
   * not a listing): when there are `held.count`, answers no UIDs (`uids` null), only the REQUIRETLS ones.
   */
  searchListing(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[], held?: HeldMessages): Promise<SearchListing>;
  /**
   * The messages with a UID in `span` that match `key`, from the columns kept per body and message (SPEC R7.4),
   * and those the store cannot answer for from them; a day key matching most of the span answers with those that
   * do not match instead (`except`), whichever list is shorter.
   */
  searchKey(userId: UserId, mailboxId: MailboxId, key: MailboxSearchKey, span: UidRange): Promise<KeyMatches>;
  /**
   * The messages whose `field` holds the msg-id `token` (`<…>`, folded as SEARCH folds values), from the index
   * kept at ingest (SPEC R7.4): HEADER Message-ID <id> without reading any header.
   */
  searchIds(userId: UserId, mailboxId: MailboxId, field: IdFieldName, token: string): Promise<IdMatches>;
  /**
   * What SORT and THREAD compare for the mailbox's messages with a UID in `span` (RFC 5256, RFC 5957; issue 15
   * item 4), in UID order: kept per body at ingest (migrations/0014), so no header is parsed; as each message is
   * served.
   * With `need`, only those keys are read (the others left empty); without, all of them.
   */
  sortKeys(userId: UserId, mailboxId: MailboxId, span: UidRange, need?: readonly SortKeyNeed[]): Promise<MessageSortKeys[]>;
  /**
   * The UIDs in `span` ordered by one key (ascending, ties by UID; `reverse` flips the key only), ordered by
   * SQLite; null when a message's key cannot be taken from its stored row (a trace prefix that may change it, a
   * row missing or stale), then the caller orders by sortKeys.
   */
  sortedUids(userId: UserId, mailboxId: MailboxId, span: UidRange, key: SimpleSortKey, reverse: boolean): Promise<number[] | null>;
  /**
   * UIDs of the messages whose decoded text contains `text` (case-insensitive substring, SPEC R7.4), from the
   * full-text index built at ingest: 'body' searches the decoded text parts, 'text' also the header.
   */
  searchText(userId: UserId, mailboxId: MailboxId, text: string, where: 'body' | 'text'): Promise<number[]>;
  /**
   * RFC 8970 previews of the listed messages that exist (issue 15 item 6), as the text indexer stored them with
   * each body's text; a body not indexed yet gives null when `lazy` (PREVIEW (LAZY) answers NIL), else its
   * preview computed from the first octets of its first text part.
   */
  previews(userId: UserId, mailboxId: MailboxId, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>>;
  /** Expunges recorded with a modseq above `sinceModseq` (for QRESYNC VANISHED). */
  expungedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[]>;
  /**
   * QRESYNC (RFC 7162 §3.2.5.2, issue 15 item 2): the expunges with a modseq above `sinceModseq`, read in one
   * snapshot with the log's horizon; null when the log has forgotten some of them (the caller then answers
   * from the UIDs present: complete, never wrong).
   */
  vanishedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[] | null>;
  /** Metadata of the messages changed (flags, arrival) after `sinceModseq`, ascending by UID (RFC 7162 §3.2.5). */
  changedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<MessageMeta[]>;

  /**
   * RFC 1939 §8, SPEC R8.2 across front ends (issue 18 item 2): takes the user's POP3 maildrop lock for this process
   * beyond it; false when another process holds it. Within a process the POP3 server keeps one session per maildrop
   * itself; where one process serves the store (SQLite) this always succeeds. Held until unlockMaildrop or until
   * the process ends.
   */
  lockMaildrop(userId: UserId): Promise<boolean>;
  unlockMaildrop(userId: UserId): Promise<void>;

  close(): Promise<void>;
}
