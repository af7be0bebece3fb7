// The PostgreSQL store's message metadata, bytes, stored forms and structures, and the expunge log (SPEC R7.3,
// R9.4; RFC 7162 §3.2.5 CHANGEDSINCE, §3.2.5.2 VANISHED; RFC 1939 §7 UIDL): each answer as the SQLite store gives
// it (sqlite-store.ts, sqlite/messages.ts), from one statement or one snapshot.
import type { MessageForms } from '../../mime/render/forms.js';
import { StoreError } from '../errors.js';
import { toMessageMeta, type MessageRow } from '../sqlite/rows.js';
import type { ExpungeRecord, MailboxId, MessageMeta, MessageStructure, RemovedFieldRecord, UidRange, UserId } from '../types.js';
import { readServed, readWhole } from './body-read.js';
import type { PgContext } from './context.js';
import { FormsReader } from './forms.js';
import { mergeRanges, messageColumns } from './message-rows.js';
import { ownedRows, type Queryable } from './owned.js';

export class ReadOps {
  private readonly forms: FormsReader;

  constructor(private readonly ctx: PgContext) {
    this.forms = new FormsReader(ctx);
  }

  /** The imported POP3 unique-ids of the mailbox's messages that have one, by UID (migrations/0020). */
  async pop3Uidls(userId: UserId, mailboxId: MailboxId): Promise<Map<number, string>> {
    const rows = await ownedRows<{ uid: number; pop3_uidl: string }>(
      this.ctx.pool,
      userId,
      mailboxId,
      'SELECT uid, pop3_uidl FROM messages WHERE mailbox_id = $1 AND pop3_uidl IS NOT NULL',
    );
    return new Map(rows.map((r) => [r.uid, r.pop3_uidl]));
  }

  /** Messages whose UIDs fall in the ranges (all when none), ascending, each at most once, in one statement. */
  async listMessages(userId: UserId, mailboxId: MailboxId, ranges?: readonly UidRange[]): Promise<MessageMeta[]> {
    const merged = ranges === undefined ? [{ from: 1, to: Number.MAX_SAFE_INTEGER }] : mergeRanges(ranges);
    const rows = await ownedRows<MessageRow>(
      this.ctx.pool,
      userId,
      mailboxId,
      `SELECT ${messageColumns('m.')} FROM unnest($3::bigint[], $4::bigint[]) AS r(a, b) ` +
        'JOIN messages m ON m.mailbox_id = $1 AND m.uid BETWEEN r.a AND r.b',
      [merged.map((r) => r.from), merged.map((r) => r.to)],
    );
    return rows.map(toMessageMeta);
  }

  async listUids(userId: UserId, mailboxId: MailboxId): Promise<number[]> {
    return uidsOf(this.ctx.pool, userId, mailboxId);
  }

  /** The lowest UID without \Seen, or null. */
  async firstUnseenUid(userId: UserId, mailboxId: MailboxId): Promise<number | null> {
    const [row] = await ownedRows<{ uid: number }>(
      this.ctx.pool,
      userId,
      mailboxId,
      'SELECT uid FROM messages WHERE mailbox_id = $1 AND (system_flags & 1) = 0 ORDER BY uid LIMIT 1',
    );
    return row?.uid ?? null;
  }

  /** The fields removed at ingest (migrations/0019): null when not recorded; 'not-found' without the message. */
  async removedFields(userId: UserId, mailboxId: MailboxId, uid: number): Promise<RemovedFieldRecord[] | null> {
    const [row] = await ownedRows<{ uid: number; removed_fields: string | null }>(
      this.ctx.pool,
      userId,
      mailboxId,
      'SELECT uid, removed_fields FROM messages WHERE mailbox_id = $1 AND uid = $3',
      [Number.isSafeInteger(uid) ? uid : -1],
    );
    if (row === undefined) throw new StoreError('not-found', `no message with UID ${uid}`);
    return row.removed_fields === null ? null : (JSON.parse(row.removed_fields) as RemovedFieldRecord[]);
  }

  async readMessage(userId: UserId, mailboxId: MailboxId, uid: number, range?: { offset: number; length: number }): Promise<Buffer> {
    return readServed(this.ctx, userId, mailboxId, uid, range);
  }

  async readMessages(userId: UserId, mailboxId: MailboxId, uids: readonly number[], maxBytes: number): Promise<Array<{ uid: number; prefix: Buffer; body: Buffer }>> {
    return this.ctx.read((client) => readWhole(client, userId, mailboxId, uids, maxBytes));
  }

  async messageForms(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    utf8: boolean,
    only?: ReadonlyArray<keyof MessageForms>,
  ): Promise<Map<number, Partial<MessageForms>>> {
    return this.forms.forms(userId, mailboxId, uids, utf8, only);
  }

  async messageStructures(userId: UserId, mailboxId: MailboxId, uids: readonly number[]): Promise<Map<number, MessageStructure>> {
    return this.forms.structures(userId, mailboxId, uids);
  }

  /** Expunges recorded with a modseq above `sinceModseq`, ascending by UID. */
  async expungedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[]> {
    return expungedOf(this.ctx.pool, userId, mailboxId, sinceModseq);
  }

  /** Issue 15 item 2: null when the log has forgotten expunges above `sinceModseq` (past its horizon). */
  async vanishedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[] | null> {
    return this.ctx.read(async (client) => {
      const [row] = (
        await client.query<{ expunge_horizon: number }>('SELECT expunge_horizon FROM mailboxes WHERE id = $1 AND user_id = $2', [
          safeId(mailboxId),
          safeId(userId),
        ])
      ).rows;
      if (row === undefined) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
      if (row.expunge_horizon > sinceModseq) return null;
      return expungedOf(client, userId, mailboxId, sinceModseq);
    });
  }

  /** Messages whose mod-sequence is above `sinceModseq`, ascending by UID (index messages_modseq). */
  async changedSince(userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<MessageMeta[]> {
    const rows = await ownedRows<MessageRow>(
      this.ctx.pool,
      userId,
      mailboxId,
      `SELECT ${messageColumns()} FROM messages WHERE mailbox_id = $1 AND modseq > $3`,
      [modseqParam(sinceModseq)],
    );
    return rows.map(toMessageMeta);
  }
}

async function uidsOf(db: Queryable, userId: UserId, mailboxId: MailboxId): Promise<number[]> {
  const rows = await ownedRows<{ uid: number }>(db, userId, mailboxId, 'SELECT uid FROM messages WHERE mailbox_id = $1');
  return rows.map((r) => r.uid);
}

async function expungedOf(db: Queryable, userId: UserId, mailboxId: MailboxId, sinceModseq: number): Promise<ExpungeRecord[]> {
  const rows = await ownedRows<{ uid: number; modseq: number }>(
    db,
    userId,
    mailboxId,
    'SELECT uid, modseq FROM expunged WHERE mailbox_id = $1 AND modseq > $3',
    [modseqParam(sinceModseq)],
  );
  return rows.map((r) => ({ uid: r.uid, modseq: r.modseq }));
}

/**
 * A client's mod-sequence as a BIGINT bound for `modseq > $n` (so that the index on (mailbox_id, modseq) serves
 * it), comparing as SQLite compares any number with the integer column: a fraction by its floor, NaN and +Infinity
 * above every modseq, -Infinity below.
 */
function modseqParam(modseq: number): number {
  if (Number.isNaN(modseq) || modseq >= Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (modseq < 0) return -1;
  return Math.floor(modseq);
}

/** An id that is not a safe integer matches no row (as in SQLite) instead of failing to convert. */
function safeId(id: number): number {
  return Number.isSafeInteger(id) ? id : -1;
}
