// Ingest use cases of the PostgreSQL store: deliver (SPEC R1.4, R1.8, R3.3 — one body, one message row per
// recipient, each recipient's outcome independent: a SAVEPOINT each) and APPEND (RFC 9051 §6.3.12; RFC 3502
// MULTIAPPEND: all or none), run in the caller's transaction. As the SQLite store's deliver.ts and ingest/jobs.ts
// (minus the writer thread): bodies are parsed before the transaction, spooled ones read by range, never whole.
import type { MailboxChange } from '../changes.js';
import { isStoreError, StoreError } from '../errors.js';
import type { AppendInput, AppendResult, DeliveryInput, DeliveryRecipient, DeliveryResult, PrivacyGuard } from '../types.js';
import type { RangeBody } from '../body-analysis.js';
import type { BodyAnalysis } from '../body-analysis.js';
import { normalizeFlags } from '../sqlite/flags.js';
import { canonicalMailboxName, INBOX } from '../sqlite/names.js';
import { prefixShape } from '../sqlite/prefix-shape.js';
import { refuseProtected } from '../sqlite/privacy.js';
import { storeBody } from './bodies.js';
import type { Outcome } from './context.js';
import type { PgClient } from './database.js';
import { recordKeywords } from './keywords.js';
import { assertRoom, lockMailbox, lockMailboxNamed, lockUser, lockUsers, takeUid, takeUids, type LockedMailbox } from './mailbox-locks.js';

/** A body to store: in memory, or a spooled one read by range (issue 17 item 4). */
export type IngestBody = Buffer | RangeBody;

/**
 * The server's local zone at an instant, minutes east of UTC (issue 13 item 6). Copied from
 * src/store/sqlite/deliver.ts localZoneAt.
 */
export function localZoneAt(ms: number): number {
  const zone = -new Date(ms).getTimezoneOffset();
  return zone === 0 ? 0 : zone; // no -0
}

interface Placement {
  mailboxId: number;
  flags: readonly string[];
  prefix: Buffer;
  body: IngestBody;
  /** Stores the body on first call (shared by the recipients of one delivery); its id. */
  bodyId: () => Promise<number>;
  internalDate: Date;
  /** Minutes east of UTC; undefined: the server's local zone at internalDate. */
  internalZone: number | undefined;
  requireTls: boolean;
  tlsRequiredNo: boolean;
  forgedFields: number;
  /** JSON of the fields removed at ingest; null: not recorded. */
  removedFields: string | null;
  /** An imported message's UID (issue 16 item 1); undefined: the mailbox's next. */
  uid?: number | undefined;
  pop3Uidl?: string | undefined;
}

/** Stores one message row after the quota check; returns its UID and the changes to publish (SQLite deliver.ts place). */
async function place(client: PgClient, userId: number, quotaBytes: number | null, p: Placement): Promise<{ uid: number; changes: MailboxChange[] }> {
  const flags = normalizeFlags(p.flags);
  const size = p.prefix.length + p.body.length;
  await assertRoom(client, userId, quotaBytes, size);
  const bodyId = await p.bodyId();
  const { uid, modseq } = p.uid === undefined ? await takeUids(client, p.mailboxId, 1) : await takeUid(client, p.mailboxId, p.uid);
  const internalDate = Number.isFinite(p.internalDate.getTime()) ? p.internalDate.getTime() : Date.now();
  await client.query(
    'INSERT INTO messages (mailbox_id, uid, modseq, system_flags, keywords, internal_date, internal_tz, size, require_tls, tls_required_no, ' +
      'forged_fields, removed_fields, body_id, prefix, prefix_shape, save_date, pop3_uidl) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)',
    [
      p.mailboxId,
      uid,
      modseq,
      flags.system,
      flags.keywords.join(' '),
      internalDate,
      p.internalZone ?? localZoneAt(internalDate),
      size,
      p.requireTls,
      p.tlsRequiredNo,
      p.forgedFields,
      p.removedFields,
      bodyId,
      p.prefix,
      prefixShape(p.prefix), // for SEARCH (issue 14 item 5)
      Date.now(), // RFC 8514 §3 SAVEDATE: saved into the mailbox now
      p.pop3Uidl ?? null,
    ],
  );
  const keywords = await recordKeywords(client, p.mailboxId, [flags.keywords.join(' ')]); // issue 13 item 2
  return { uid, changes: [...keywords, { kind: 'exists', mailboxId: p.mailboxId, uid, modseq, requireTls: p.requireTls }] };
}

/** The recipient's named mailbox, or INBOX when it names none or one that does not exist; locked. */
async function targetMailbox(client: PgClient, recipient: DeliveryRecipient): Promise<LockedMailbox> {
  const named = recipient.mailbox ? await lockMailboxNamed(client, recipient.userId, canonicalMailboxName(recipient.mailbox)) : undefined;
  if (named) return named;
  const inbox = await lockMailboxNamed(client, recipient.userId, INBOX);
  if (!inbox) throw new StoreError('not-found', `no mailbox ${JSON.stringify(INBOX)}`);
  return inbox;
}

/** Runs `fn` in a savepoint: rolled back to it when `fn` throws, released when it returns. */
async function inSavepoint<T>(client: PgClient, fn: () => Promise<T>): Promise<T> {
  await client.query('SAVEPOINT recipient');
  try {
    const value = await fn();
    await client.query('RELEASE SAVEPOINT recipient');
    return value;
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT recipient');
    await client.query('RELEASE SAVEPOINT recipient');
    throw err;
  }
}

/** Stores the body once and a message per recipient; a recipient's StoreError fails that recipient only. */
export async function deliverIn(
  client: PgClient,
  input: Omit<DeliveryInput, 'body'> & { body: IngestBody },
  analysis: BodyAnalysis,
): Promise<Outcome<DeliveryResult[]>> {
  // The body and its derived rows first, before any lock: the recipients' user and mailbox rows stay locked until
  // commit, and deliveries to one mailbox queue on its row; storing the body (its text index the dearest part)
  // outside that wait lets concurrent deliveries overlap it. A body no recipient took is removed below.
  const bodyId = await storeBody(client, input.body, analysis);
  const sharedBody = async (): Promise<number> => bodyId;
  const results: DeliveryResult[] = [];
  const changes: MailboxChange[] = [];
  // The recipients' user rows next, by ascending id (mailbox-locks.ts): two deliveries to the same users in other
  // orders then never deadlock; each recipient's own lookup below still fails that recipient alone.
  await lockUsers(client, input.recipients.map((r) => r.userId));
  for (const recipient of input.recipients) {
    try {
      // A savepoint per recipient: a refusal half-way leaves nothing of that recipient behind.
      const placed = await inSavepoint(client, async () => {
        const { quotaBytes } = await lockUser(client, recipient.userId);
        const mailbox = await targetMailbox(client, recipient);
        const stored = await place(client, recipient.userId, quotaBytes, {
          mailboxId: mailbox.id,
          flags: recipient.flags ?? [],
          prefix: recipient.prefix,
          body: input.body,
          bodyId: sharedBody,
          internalDate: input.internalDate,
          internalZone: undefined, // the server's local zone at delivery, as Dovecot (issue 13 item 6)
          requireTls: input.requireTls,
          tlsRequiredNo: input.tlsRequiredNo,
          forgedFields: input.forgedFields,
          removedFields: input.removedFields === undefined ? null : JSON.stringify(input.removedFields),
        });
        return { mailboxId: mailbox.id, ...stored };
      });
      results.push({ ok: true, userId: recipient.userId, mailboxId: placed.mailboxId, uid: placed.uid });
      changes.push(...placed.changes);
    } catch (err) {
      if (!isStoreError(err)) throw err;
      results.push({ ok: false, userId: recipient.userId, error: err });
    }
  }
  // No message row refers to it (refcount 0): its derived rows go with it (ON DELETE CASCADE).
  if (!results.some((r) => r.ok)) await client.query('DELETE FROM bodies WHERE id = $1 AND refcount = 0', [bodyId]);
  return { value: results, changes };
}

/** APPEND of several messages to one mailbox (RFC 3502): each raw message a body with an empty prefix. */
export async function appendIn(
  client: PgClient,
  userId: number,
  mailboxId: number,
  inputs: ReadonlyArray<Omit<AppendInput, 'raw'> & { raw: IngestBody }>,
  analyses: readonly BodyAnalysis[],
  guard: PrivacyGuard = {},
): Promise<Outcome<AppendResult[]>> {
  const value: AppendResult[] = [];
  const changes: MailboxChange[] = [];
  for (const [i, input] of inputs.entries()) {
    // Each message as the SQLite store's append(): the mailbox read (here locked) and judged (R3.4) first.
    // The user row before the mailbox's (mailbox-locks.ts); a missing user is a missing mailbox, as in SQLite.
    const { quotaBytes } = await lockUser(client, userId, () => new StoreError('not-found', `no mailbox with id ${mailboxId}`));
    const mailbox = await lockMailbox(client, userId, mailboxId);
    refuseProtected(guard, [mailbox]); // R3.4: no APPENDUID of a protected mailbox to a cleartext session
    const { uid, changes: placed } = await place(client, userId, quotaBytes, {
      mailboxId: mailbox.id,
      flags: input.flags ?? [],
      prefix: input.prefix ?? Buffer.alloc(0), // migrate-store carries a delivered message's trace prefix
      body: input.raw,
      bodyId: () => storeBody(client, input.raw, analyses[i]!),
      internalDate: input.internalDate ?? new Date(),
      internalZone: input.internalDate === undefined ? undefined : input.internalZone,
      requireTls: input.requireTls ?? false,
      tlsRequiredNo: input.tlsRequiredNo ?? false,
      forgedFields: input.forgedFields ?? 0,
      // APPEND removes nothing (R2.2 applies at delivery); migrate-store carries what the delivery recorded.
      removedFields: input.removedFields === undefined ? '[]' : input.removedFields === null ? null : JSON.stringify(input.removedFields),
      uid: input.uid,
      pop3Uidl: input.pop3Uidl,
    });
    value.push({ mailboxId: mailbox.id, uidValidity: mailbox.uid_validity, uid });
    changes.push(...placed);
  }
  return { value, changes };
}
