// `postern check` (SPEC R9.3): verifies every mailbox counter, UIDNEXT, HIGHESTMODSEQ, the first recent UID and
// keyword list (issue 13 items 1, 2), message size and body reference count against the stored rows, reporting
// each problem in words; optionally repairs them.
import type { SqliteDb } from './database.js';

export interface CheckReport {
  /** One sentence per problem found (before any repair). */
  problems: string[];
  /** Whether `repair` was asked for and the problems were fixed. */
  repaired: boolean;
  mailboxes: number;
  messages: number;
  bodies: number;
}

export interface CheckOptions {
  /** Recompute counters and reference counts, raise UIDNEXT/HIGHESTMODSEQ, delete orphan bodies. */
  repair?: boolean;
  /** Also run SQLite's own `PRAGMA quick_check` (reads every page: slow on large stores). */
  integrity?: boolean;
}

interface MailboxAudit {
  id: number;
  name: string;
  user: string;
  messages: number;
  unseen: number;
  deleted: number;
  bytes: number;
  requiretls_messages: number;
  uid_next: number;
  first_recent_uid: number;
  highest_modseq: number;
  c_messages: number;
  c_unseen: number;
  c_deleted: number;
  c_bytes: number;
  c_requiretls: number;
  max_uid: number;
  max_modseq: number;
}

const MAILBOX_AUDIT = `
  SELECT mb.id, mb.name, u.name AS user, mb.messages, mb.unseen, mb.deleted, mb.bytes, mb.requiretls_messages,
         mb.uid_next, mb.first_recent_uid, mb.highest_modseq,
         COUNT(m.id) AS c_messages,
         COALESCE(SUM((m.system_flags & 1) = 0), 0) AS c_unseen,
         COALESCE(SUM((m.system_flags & 8) != 0), 0) AS c_deleted,
         COALESCE(SUM(m.size), 0) AS c_bytes,
         COALESCE(SUM(m.require_tls != 0), 0) AS c_requiretls,
         MAX(COALESCE(MAX(m.uid), 0), (SELECT COALESCE(MAX(e.uid), 0) FROM expunged e WHERE e.mailbox_id = mb.id)) AS max_uid,
         MAX(COALESCE(MAX(m.modseq), 0), (SELECT COALESCE(MAX(e.modseq), 0) FROM expunged e WHERE e.mailbox_id = mb.id)) AS max_modseq
  FROM mailboxes mb JOIN users u ON u.id = mb.user_id LEFT JOIN messages m ON m.mailbox_id = mb.id
  GROUP BY mb.id ORDER BY u.name, mb.name`;

/** A body's stored octets: bodies.bytes, or the sum of its chunks (migrations/0005). */
const STORED = `CASE WHEN b.chunk_bytes = 0 THEN length(b.bytes)
  ELSE (SELECT COALESCE(SUM(length(c.bytes)), 0) FROM body_chunks c WHERE c.body_id = b.id) END`;

const BODY_AUDIT = `
  SELECT b.id, b.refcount, b.size, ${STORED} AS stored, (SELECT COUNT(*) FROM messages m WHERE m.body_id = b.id) AS refs
  FROM bodies b`;

/**
 * Chunked bodies whose chunks are not seq 0..n-1 of chunk_bytes octets each (the last one shorter or equal), and
 * chunks of no body (migrations/0005).
 */
const CHUNK_AUDIT = `
  SELECT b.id, b.chunk_bytes, COUNT(c.seq) AS n, COALESCE(MIN(c.seq), -1) AS first, COALESCE(MAX(c.seq), -1) AS last,
         COALESCE(SUM(c.seq < (SELECT MAX(seq) FROM body_chunks WHERE body_id = b.id) AND length(c.bytes) != b.chunk_bytes), 0) AS short,
         length(b.bytes) AS inline
  FROM bodies b LEFT JOIN body_chunks c ON c.body_id = b.id
  WHERE b.chunk_bytes != 0 GROUP BY b.id`;

/** Chunks of no chunked body (its body gone, or stored inline). */
const STRAY_CHUNK = 'NOT EXISTS (SELECT 1 FROM bodies b WHERE b.id = c.body_id AND b.chunk_bytes != 0)';
const ORPHAN_CHUNKS = `SELECT COUNT(*) FROM body_chunks c WHERE ${STRAY_CHUNK}`;

const SIZE_AUDIT = `
  SELECT m.uid, mb.name, u.name AS user, m.size, length(m.prefix) + b.size AS actual
  FROM messages m JOIN bodies b ON b.id = m.body_id JOIN mailboxes mb ON mb.id = m.mailbox_id JOIN users u ON u.id = mb.user_id
  WHERE m.size != length(m.prefix) + b.size`;

/** Each keyword a message carries, by mailbox (messages.keywords: space-separated atoms). */
const SPLIT_KEYWORDS = `WITH RECURSIVE split(mailbox_id, message_id, n, word, rest) AS (
    SELECT mailbox_id, id, 0, '', keywords || ' ' FROM messages WHERE keywords != ''
    UNION ALL
    SELECT mailbox_id, message_id, n + 1, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest != '')`;

/** Keywords on a message but missing from its mailbox's keyword list (issue 13 item 2, migrations/0012-mailbox-keywords.sql). */
const KEYWORD_AUDIT = `${SPLIT_KEYWORDS}
  SELECT DISTINCT mb.name, u.name AS user, s.word
  FROM split s JOIN mailboxes mb ON mb.id = s.mailbox_id JOIN users u ON u.id = mb.user_id
  WHERE s.word != '' AND NOT EXISTS (SELECT 1 FROM mailbox_keywords k WHERE k.mailbox_id = s.mailbox_id AND k.key = lower(s.word))
  ORDER BY u.name, mb.name, s.word`;

const KEYWORD_REPAIR = `${SPLIT_KEYWORDS}
  INSERT OR IGNORE INTO mailbox_keywords (mailbox_id, key, name)
  SELECT mailbox_id, lower(word), word FROM split WHERE word != '' ORDER BY mailbox_id, message_id, n`;

const REPAIR = `
  UPDATE bodies SET refcount = (SELECT COUNT(*) FROM messages m WHERE m.body_id = bodies.id);
  DELETE FROM bodies WHERE refcount = 0;
  UPDATE messages SET size = length(prefix) + (SELECT b.size FROM bodies b WHERE b.id = messages.body_id);
  UPDATE mailboxes SET
    messages = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id),
    unseen = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id AND (m.system_flags & 1) = 0),
    deleted = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id AND (m.system_flags & 8) != 0),
    bytes = (SELECT COALESCE(SUM(m.size), 0) FROM messages m WHERE m.mailbox_id = mailboxes.id),
    requiretls_messages = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id AND m.require_tls != 0),
    uid_next = MAX(uid_next, 1 + (SELECT COALESCE(MAX(uid), 0) FROM
      (SELECT uid FROM messages WHERE mailbox_id = mailboxes.id UNION ALL SELECT uid FROM expunged WHERE mailbox_id = mailboxes.id))),
    highest_modseq = MAX(highest_modseq, (SELECT COALESCE(MAX(modseq), 0) FROM
      (SELECT modseq FROM messages WHERE mailbox_id = mailboxes.id UNION ALL SELECT modseq FROM expunged WHERE mailbox_id = mailboxes.id)));
  UPDATE mailboxes SET first_recent_uid = MIN(first_recent_uid, uid_next);`;

function audit(db: SqliteDb, integrity: boolean): Omit<CheckReport, 'repaired'> {
  const problems: string[] = [];
  if (integrity) {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    for (const r of rows) if (r.quick_check !== 'ok') problems.push(`SQLite integrity: ${r.quick_check}`);
  }
  for (const fk of db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>) {
    problems.push(`${fk.table} row ${fk.rowid} refers to a missing ${fk.parent} row`);
  }
  const mailboxes = db.prepare(MAILBOX_AUDIT).all() as MailboxAudit[];
  let messages = 0;
  for (const mb of mailboxes) {
    messages += mb.c_messages;
    const where = `mailbox ${JSON.stringify(mb.name)} of user ${JSON.stringify(mb.user)}`;
    const counter = (what: string, stored: number, actual: number): void => {
      if (stored !== actual) problems.push(`${where}: ${what} counter is ${stored}, expected ${actual}`);
    };
    counter('messages', mb.messages, mb.c_messages);
    counter('unseen', mb.unseen, mb.c_unseen);
    counter('deleted', mb.deleted, mb.c_deleted);
    counter('bytes', mb.bytes, mb.c_bytes);
    counter('REQUIRETLS', mb.requiretls_messages, mb.c_requiretls);
    if (mb.uid_next <= mb.max_uid) {
      problems.push(`${where}: UIDNEXT is ${mb.uid_next}, expected above ${mb.max_uid} (the highest UID used)`);
    }
    if (mb.first_recent_uid > mb.uid_next) {
      problems.push(`${where}: first recent UID is ${mb.first_recent_uid}, above UIDNEXT ${mb.uid_next}`);
    }
    if (mb.highest_modseq < mb.max_modseq) {
      problems.push(`${where}: HIGHESTMODSEQ is ${mb.highest_modseq}, below a message modseq of ${mb.max_modseq}`);
    }
  }
  for (const m of db.prepare(SIZE_AUDIT).all() as Array<{ uid: number; name: string; user: string; size: number; actual: number }>) {
    problems.push(`message UID ${m.uid} in mailbox ${JSON.stringify(m.name)} of user ${JSON.stringify(m.user)}: size is ${m.size}, expected ${m.actual}`);
  }
  for (const k of db.prepare(KEYWORD_AUDIT).all() as Array<{ name: string; user: string; word: string }>) {
    problems.push(`mailbox ${JSON.stringify(k.name)} of user ${JSON.stringify(k.user)}: keyword ${k.word} is on a message but not in the mailbox's keyword list`);
  }
  const bodies = db.prepare(BODY_AUDIT).all() as Array<{ id: number; refcount: number; size: number; stored: number; refs: number }>;
  for (const b of bodies) {
    if (b.refs === 0) problems.push(`body ${b.id} is an orphan: no message refers to it (refcount ${b.refcount})`);
    else if (b.refcount !== b.refs) problems.push(`body ${b.id}: refcount is ${b.refcount}, expected ${b.refs}`);
    if (b.size !== b.stored) problems.push(`body ${b.id}: size is ${b.size}, expected ${b.stored}`);
  }
  for (const c of db.prepare(CHUNK_AUDIT).all() as Array<{ id: number; chunk_bytes: number; n: number; first: number; last: number; short: number; inline: number }>) {
    if (c.n > 0 && (c.first !== 0 || c.last !== c.n - 1)) problems.push(`body ${c.id}: chunks ${c.first}..${c.last} are not numbered 0..${c.n - 1}`);
    if (c.short > 0) problems.push(`body ${c.id}: ${c.short} chunk(s) before the last are not ${c.chunk_bytes} octets`);
    if (c.inline > 0) problems.push(`body ${c.id}: chunked, yet ${c.inline} octets are stored inline`);
  }
  const orphanChunks = db.prepare(ORPHAN_CHUNKS).pluck().get() as number;
  if (orphanChunks > 0) problems.push(`${orphanChunks} body chunk(s) belong to no chunked body`);
  return { problems, mailboxes: mailboxes.length, messages, bodies: bodies.length };
}

/** Checks every invariant; with `repair`, fixes what it can in one IMMEDIATE transaction. */
export function checkStore(db: SqliteDb, opts: CheckOptions = {}): CheckReport {
  const found = audit(db, opts.integrity ?? false);
  if (!opts.repair || found.problems.length === 0) return { ...found, repaired: false };
  db.transaction(() => {
    db.exec(`UPDATE bodies AS b SET size = ${STORED} WHERE size != ${STORED}`);
    db.exec(`DELETE FROM body_chunks AS c WHERE ${STRAY_CHUNK}`);
    db.exec(REPAIR);
    db.exec(KEYWORD_REPAIR);
  }).immediate();
  return { ...found, repaired: true };
}
