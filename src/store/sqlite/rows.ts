// Row shapes of the SQLite schema (migrations/0001-initial.sql) and their mapping to the Store's domain types.
import { SPECIAL_USES, type MailboxInfo, type MessageMeta, type SpecialUse, type User, type UserWithCredentials } from '../types.js';
import { flagList } from './flags.js';

export interface UserRow {
  id: number;
  name: string;
  scrypt: string;
  scram_salt: string;
  scram_iterations: number;
  scram_stored_key: string;
  scram_server_key: string;
  quota_bytes: number | null;
  created_at: number;
  /** 0 or 1 (migrations/0021). */
  disabled: number;
}

export interface MailboxRow {
  id: number;
  user_id: number;
  name: string;
  special_use: string | null;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  messages: number;
  unseen: number;
  /** Messages with \Deleted (migrations/0009-deleted-counter.sql). */
  deleted: number;
  bytes: number;
  requiretls_messages: number;
  subscribed: number;
  /** RFC 8474 MAILBOXID (migrations/0016-object-ids.sql). */
  object_id: string;
}

/** The metadata columns of messages (no blobs). */
export interface MessageRow {
  id: number;
  mailbox_id: number;
  uid: number;
  modseq: number;
  system_flags: number;
  keywords: string;
  internal_date: number;
  /** Minutes east of UTC (migrations/0007-internal-zone.sql). */
  internal_tz: number;
  size: number;
  require_tls: number;
  tls_required_no: number;
  forged_fields: number;
  body_id: number;
  /** RFC 8474 EMAILID, carried by COPY and MOVE (migrations/0016-object-ids.sql). */
  email_id: string;
  /** RFC 8514 SAVEDATE: ms since the epoch the message was saved into this mailbox. */
  save_date: number;
}

export const MESSAGE_COLUMNS =
  'id, mailbox_id, uid, modseq, system_flags, keywords, internal_date, size, require_tls, tls_required_no, forged_fields, body_id, ' +
  'internal_tz, email_id, save_date';

/** A row of MESSAGE_COLUMNS read in raw (array) mode, in that order. */
export type RawMessageRow = [number, number, number, number, number, string, number, number, number, number, number, number, number, string, number];

/**
 * The row as an object. Reading arrays and building the object here is about twice as fast as letting
 * better-sqlite3 build it (a FETCH lists every message of the mailbox; docs/performance.md).
 */
export function messageRowOf(r: RawMessageRow): MessageRow {
  return {
    id: r[0],
    mailbox_id: r[1],
    uid: r[2],
    modseq: r[3],
    system_flags: r[4],
    keywords: r[5],
    internal_date: r[6],
    size: r[7],
    require_tls: r[8],
    tls_required_no: r[9],
    forged_fields: r[10],
    body_id: r[11],
    internal_tz: r[12],
    email_id: r[13],
    save_date: r[14],
  };
}

export const MAILBOX_COLUMNS =
  'mb.id, mb.user_id, mb.name, mb.special_use, mb.uid_validity, mb.uid_next, mb.highest_modseq, mb.messages, ' +
  'mb.unseen, mb.deleted, mb.bytes, mb.requiretls_messages, mb.object_id, ' +
  'EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = mb.user_id AND s.name = mb.name) AS subscribed';

export function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, quotaBytes: row.quota_bytes, createdAt: new Date(row.created_at), disabled: row.disabled === 1 };
}

export function toUserWithCredentials(row: UserRow): UserWithCredentials {
  return {
    ...toUser(row),
    credentials: {
      scrypt: row.scrypt,
      scramSha256: {
        salt: row.scram_salt,
        iterations: row.scram_iterations,
        storedKey: row.scram_stored_key,
        serverKey: row.scram_server_key,
      },
    },
  };
}

function toSpecialUse(value: string | null): SpecialUse | null {
  return (SPECIAL_USES as readonly string[]).includes(value ?? '') ? (value as SpecialUse) : null;
}

export function toMailboxInfo(row: MailboxRow): MailboxInfo {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    specialUse: toSpecialUse(row.special_use),
    subscribed: row.subscribed !== 0,
    uidValidity: row.uid_validity,
    uidNext: row.uid_next,
    highestModseq: row.highest_modseq,
    messages: row.messages,
    unseen: row.unseen,
    bytes: row.bytes,
    requireTlsMessages: row.requiretls_messages,
    objectId: row.object_id,
  };
}

export function toMessageMeta(row: MessageRow): MessageMeta {
  return {
    mailboxId: row.mailbox_id,
    uid: row.uid,
    modseq: row.modseq,
    flags: flagList(row.system_flags, row.keywords),
    internalDate: new Date(row.internal_date),
    internalZone: row.internal_tz,
    size: row.size,
    requireTls: row.require_tls !== 0,
    tlsRequiredNo: row.tls_required_no !== 0,
    forgedFields: row.forged_fields,
    bodyId: row.body_id,
    emailId: row.email_id,
    saveDate: new Date(row.save_date),
  };
}
