// Domain types of the mail store (SPEC R9, R3.3): users, mailboxes, messages and their counters.
// The store speaks only this language; protocols translate it to their wire formats.

export type UserId = number;
export type MailboxId = number;

/** Special-use attributes (RFC 6154 §2). */
export const SPECIAL_USES = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'] as const;
export type SpecialUse = (typeof SPECIAL_USES)[number];

/** System flags (RFC 9051 §2.3.2) that the store keeps; \Recent is session state, not stored. */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

/** The mailboxes every new user gets (SPEC R7.6). */
export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; specialUse: SpecialUse | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

/** Hierarchy delimiter of mailbox names as stored. */
export const HIERARCHY_DELIMITER = '/';

/** SCRAM-SHA-256 keys (RFC 5802 §3, RFC 7677): never the password itself. Binary values in base64. */
export interface ScramKeys {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

/** What the store keeps to check a password (SPEC R6.3): an scrypt hash string and SCRAM keys. */
export interface StoredCredentials {
  /** `scrypt$N$r$p$<salt b64>$<hash b64>` as produced by sasl/passwords.ts */
  scrypt: string;
  scramSha256: ScramKeys;
}

export interface User {
  id: UserId;
  name: string;
  /** Quota in bytes; null means unlimited. */
  quotaBytes: number | null;
  createdAt: Date;
  /** Issue 16 item 7: a disabled account cannot log in; its mail stays and it keeps receiving mail. */
  disabled: boolean;
}

export interface UserWithCredentials extends User {
  credentials: StoredCredentials;
}

export interface MailboxInfo {
  id: MailboxId;
  userId: UserId;
  /** Full name with HIERARCHY_DELIMITER, as UTF-8 (protocols encode modified UTF-7 themselves). */
  name: string;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** Counters kept in the same transaction as every change (SPEC R9.3). */
  messages: number;
  unseen: number;
  bytes: number;
  /** Messages stored with the REQUIRETLS flag (SPEC R3.3). */
  requireTlsMessages: number;
  /** RFC 8474 MAILBOXID: opaque, random, kept across RENAME and restarts. */
  objectId: string;
}

/** Metadata of one message in one mailbox. */
export interface MessageMeta {
  mailboxId: MailboxId;
  uid: number;
  modseq: number;
  /** System flags (with backslash) and keywords, sorted, no duplicates. */
  flags: string[];
  internalDate: Date;
  /**
   * The zone INTERNALDATE is written in, minutes east of UTC: the client's at APPEND, the server's local zone
   * at delivery (issue 13 item 6, RFC 9051 §2.3.3); SEARCH BEFORE/ON/SINCE take the day in it (§6.4.4).
   */
  internalZone: number;
  /** Size in octets of the whole message as served (trace prefix + body). */
  size: number;
  /** Delivered with MAIL FROM ... REQUIRETLS (RFC 8689). */
  requireTls: boolean;
  /** Carried a `TLS-Required: No` header field (RFC 8689 §5); informational. */
  tlsRequiredNo: boolean;
  /** How many forged Authentication-Results fields were removed at ingest (SPEC R2.2). */
  forgedFields: number;
  /** Opaque id of the shared body (single-instance storage); equal ids mean the same bytes. */
  bodyId: number;
  /**
   * RFC 8474 §5.1 EMAILID: opaque and random, new at delivery and APPEND, the same for the copy a COPY or MOVE
   * makes (the content is immutable); stable across restarts.
   */
  emailId: string;
  /** RFC 8514 SAVEDATE: when the message was saved into this mailbox (delivery, APPEND, COPY, MOVE). */
  saveDate: Date;
}

/**
 * R3.4: a mailbox's counters and its UIDs read in one snapshot (IMAP SELECT/EXAMINE): the REQUIRETLS counter
 * judged here covers exactly the UIDs listed.
 */
export interface MailboxSnapshot {
  info: MailboxInfo;
  /** All UIDs, ascending. */
  uids: number[];
  /** The lowest UID without \Seen (SELECT's UNSEEN), or null when all are seen. */
  firstUnseenUid: number | null;
  /**
   * RFC 3501 §2.3.2 (issue 13 item 1): the UIDs from this one up are \Recent to the opener — claimed by it
   * when it asked to claim (SELECT), or merely not yet claimed by anyone (EXAMINE).
   */
  firstRecentUid: number;
  /** Every keyword ever used in the mailbox, in order of first use (FLAGS, PERMANENTFLAGS; issue 13 item 2). */
  keywords: string[];
}

/** A snapshot with its change listener subscribed (see Store.openMailbox); `close` unsubscribes it. */
export interface OpenedMailbox extends MailboxSnapshot {
  close(): void;
}

/** R3.4: what IMAP STATUS reports, read in one snapshot with the REQUIRETLS counter that judges it. */
/** What mailboxStatus reads beyond the counters every STATUS gets. */
export interface MailboxStatusOptions {
  deleted?: boolean;
  recent?: boolean;
  deletedStorage?: boolean;
}

export interface MailboxStatus {
  info: MailboxInfo;
  /** Messages flagged \Deleted (RFC 9051 STATUS DELETED); null when not asked for. */
  deleted: number | null;
  /** Messages no session has claimed as \Recent (RFC 3501 §6.3.10 STATUS RECENT); null when not asked for. */
  recent: number | null;
  /** RFC822.SIZE total of the \Deleted messages (RFC 9208 §4.2 DELETED-STORAGE); null when not asked for. */
  deletedStorage: number | null;
}

/**
 * R3.4 in the write itself: for a session without TLS, the store refuses with 'privacy-required', inside the
 * write's transaction, when a mailbox the write reads or changes holds REQUIRETLS mail (a delivery can make
 * it so after the protocol's own check and before the write).
 */
export interface PrivacyGuard {
  refuseProtected?: boolean;
}

/** Per-message attributes fixed at ingest. */
export interface IngestAttributes {
  internalDate: Date;
  requireTls: boolean;
  tlsRequiredNo: boolean;
  forgedFields: number;
}

/** One recipient of a delivery: whose mailbox, and the trace fields prepended for that recipient only. */
export interface DeliveryRecipient {
  userId: UserId;
  /** Mailbox name; INBOX when absent. A missing named mailbox falls back to INBOX. */
  mailbox?: string;
  /** Bytes prepended above the shared body for this recipient (Return-Path, Delivered-To, A-R, Received). */
  prefix: Buffer;
  /** Flags set on arrival. */
  flags?: string[];
}

/**
 * A large message body that stays in a spool file until the store writes it (issue 12 item 13): `head` (the
 * header as it is to be stored), then `length` octets of the file at `path` from `offset`. The caller keeps
 * the file until the store's promise settles.
 */
export interface FileBody {
  head: Buffer;
  path: string;
  offset: number;
  length: number;
}

/** Message octets: in memory, or (large ones) in a spool file. */
export type BodyBytes = Buffer | FileBody;

export function isFileBody(b: BodyBytes): b is FileBody {
  return !(b instanceof Uint8Array);
}

/** Octets of a body, wherever it is. */
export function bodyLength(b: BodyBytes): number {
  return isFileBody(b) ? b.head.length + b.length : b.length;
}

export interface DeliveryInput extends IngestAttributes {
  /** The message as received (CRLF, forged fields removed); stored once for all recipients (SPEC R1.8). */
  body: BodyBytes;
  recipients: DeliveryRecipient[];
  /** The Authentication-Results fields removed at ingest (R2.2), kept with each message; absent: not recorded. */
  removedFields?: readonly RemovedFieldRecord[];
}

/** One header field removed at ingest (SPEC R2.2), as `postern message show` prints it (issue 16 item 7). */
export interface RemovedFieldRecord {
  /** The field name as written. */
  name: string;
  /** The value as received (its UTF-8 reading, unfolded). */
  value: string;
  /** Why: ours, internal-untrusted, undetermined (forgeries) or foreign (policy). */
  reason: string;
  /** The authserv-id the field claimed. */
  claimedId: string;
}

/** The outcome for one recipient: stored durably, or why not (the others are unaffected). */
export type DeliveryResult =
  | { ok: true; userId: UserId; mailboxId: MailboxId; uid: number }
  | { ok: false; userId: UserId; error: import('./errors.js').StoreError };

export interface AppendInput {
  raw: BodyBytes;
  flags?: string[];
  internalDate?: Date;
  /** Minutes east of UTC the client wrote internalDate in; default: the server's local zone at that instant. */
  internalZone?: number;
  requireTls?: boolean;
  tlsRequiredNo?: boolean;
  /**
   * `postern import` only (issue 16 item 1): the UID the message had on the server it comes from, kept so that
   * clients resync nothing; at least the mailbox's UIDNEXT ('exists' otherwise), which then moves above it.
   */
  uid?: number;
  /** `postern import` only: the POP3 unique-id it had there (RFC 1939 §7), served by UIDL instead of ours. */
  pop3Uidl?: string;
  /**
   * `postern migrate-store` only (issue 18 item 5): the per-recipient trace prefix the message was delivered with,
   * kept apart from `raw` (the shared body) so that it is served as prefix || raw, as in the source store.
   */
  prefix?: Buffer;
  /** `postern migrate-store` only: the forged Authentication-Results fields removed at its delivery (SPEC R2.2). */
  forgedFields?: number;
  /**
   * `postern migrate-store` only: the header fields removed at its delivery (SPEC R2.2); null: not recorded.
   * Absent: none (APPEND removes nothing).
   */
  removedFields?: readonly RemovedFieldRecord[] | null;
}

export interface AppendResult {
  mailboxId: MailboxId;
  uidValidity: number;
  uid: number;
}

export interface CopyResult {
  uidValidity: number;
  /** Pairs [source UID, destination UID] in ascending source order (RFC 4315 COPYUID). */
  mapping: Array<[number, number]>;
}

export type FlagMode = 'add' | 'remove' | 'replace';

export interface FlagChange {
  uid: number;
  flags: string[];
  modseq: number;
}

export interface SetFlagsResult {
  changed: FlagChange[];
  /** UIDs not changed because their modseq was above unchangedSince (RFC 7162 §3.1.3). */
  modified: number[];
}

/** A closed range of UIDs; `to` may be Infinity for "*". */
export interface UidRange {
  from: number;
  to: number;
}

export interface QuotaUsage {
  usedBytes: number;
  limitBytes: number | null;
  messages: number;
  /** REQUIRETLS messages in all the user's mailboxes (R3.4: a cleartext session is not told this usage). */
  requireTlsMessages: number;
}

export interface ExpungeRecord {
  uid: number;
  modseq: number;
}

/** The MIME structure of a stored message (parsed once at ingest) and where it starts in the served bytes. */
export interface MessageStructure {
  /** Octets of the per-recipient trace prefix before the shared body; part offsets are relative to the body. */
  prefixLength: number;
  mime: import('../mime/types.js').MimeMessage;
}

/** A header field that SEARCH FROM, TO, CC, BCC or SUBJECT compares (lower-case). */
export type SearchFieldName = import('../mime/header-search.js').SearchFieldName;

/** A header field whose msg-ids the store indexes (Message-ID, In-Reply-To, References; lower-case). */
export type IdFieldName = import('../mime/header-search.js').IdFieldName;

/** What the msg-id index answers for one `<…>` token of one field (Store.searchIds). */
export interface IdMatches {
  /** UIDs of the messages whose served field holds the token. */
  hits: number[];
  /**
   * UIDs the index cannot answer for (their body not indexed yet, or a trace prefix that may change the field):
   * compare their values (Store.searchFields) instead; `hits` may or may not list them.
   */
  unsure: number[];
}

/**
 * A SEARCH key the store answers over a mailbox from its indexed columns (Store.searchKey; issue 14 item 5):
 * a kept field's values hold `needle` (folded as SEARCH folds values; empty: the field is present), or the
 * sent day (the INTERNALDATE's day when the Date: field cannot be read) or INTERNALDATE's day compared with
 * `day` (yyyymmdd) as RFC 9051 §6.4.4 compares calendar days, or the message has the flag (a system flag or
 * keyword, compared case-insensitively).
 */
export type MailboxSearchKey =
  | { kind: 'field'; field: SearchFieldName; needle: string }
  | { kind: 'sent-day' | 'internal-day'; op: 'before' | 'on' | 'since'; day: number }
  | { kind: 'flag'; flag: string };

/** What Store.searchKey answers: the matching UIDs, and those to compare by their values (Store.searchFields); both ascending. */
export interface KeyMatches {
  hits: number[];
  unsure: number[];
  /**
   * True when most of the span matches (a day key, issue 14 item 6): `hits` then lists the span's messages that
   * surely do NOT match, and every other message of the span that is not unsure matches.
   */
  except?: boolean;
  /**
   * True when the answer holds for every UID from the span's start on, beyond the span asked: no later span need
   * be asked (a field through its trigram index answers for the rest of the mailbox at once, issue 14 item 6).
   */
  rest?: boolean;
}

/**
 * The messages a SEARCH session holds, as the store can check them without listing them (issue 14 item 6): its
 * highest UID and how many it holds in all.
 */
export interface HeldMessages {
  through: number;
  count: number;
}

/** The UIDs a SEARCH starts from, ascending, and those of them delivered with REQUIRETLS (R3.4), in one snapshot. */
export interface SearchListing {
  /**
   * Null when asked with `held` and the store holds exactly `held.count` messages with a UID up to
   * `held.through`: then, the caller's messages being a superset of those, they are the listing (not read).
   */
  uids: number[] | null;
  /** With `uids` null, those with a UID up to `held.through`. */
  requireTls: number[];
}

/** What SORT and THREAD compare for one message (RFC 5256, RFC 5957; issue 15 item 4): its body's keys, kept at ingest, and its own INTERNALDATE and size. */
/**
 * Which of a message's sort keys a SORT or THREAD reads (issue 15 item 4): only those columns are read, the
 * others left empty ('' / null / no address / no references). 'thread' is what THREAD links and groups by.
 */
export type SortKeyNeed = 'sent' | 'subject' | 'from' | 'to' | 'cc' | 'thread';

/** A single-key order SQLite answers over the messages_search index (migrations/0017) (RFC 5256 §3). */
export type SimpleSortKey = 'ARRIVAL' | 'SIZE' | 'DATE';

export interface MessageSortKeys {
  uid: number;
  keys: import('../mime/sort-keys.js').SortKeys;
  /** INTERNALDATE, ms since the epoch. */
  internalDate: number;
  size: number;
}

/**
 * What SEARCH FROM/TO/CC/BCC/SUBJECT and SENTBEFORE/SENTON/SENTSINCE compare for one message (RFC 9051 §6.4.4),
 * kept per body at ingest.
 */
export interface SearchFields {
  /**
   * The values of the fields asked for in the served header (the trace prefix included, its first 256 KiB), in
   * order, RFC 2047-decoded, canonically composed and lower-cased; an absent field has none.
   */
  values: Partial<import('../mime/header-search.js').SearchFieldValues>;
  /** The day written in the body's Date: field (as its ENVELOPE shows it); null when none can be read. */
  sentDay: import('../mime/header-search.js').CalendarDay | null;
}
