// Ingest use cases: deliver (SPEC R1.4, R1.8, R3.3 — one body, one message row per recipient, each
// recipient's outcome independent) and APPEND (RFC 9051 §6.3.12). Run inside one write transaction.
import type { MailboxChange } from '../changes.js';
import { isStoreError } from '../errors.js';
import type { AppendInput, AppendResult, DeliveryInput, DeliveryRecipient, DeliveryResult, PrivacyGuard } from '../types.js';
import { MAX_SEARCH_HEADER_BYTES } from '../../mime/header-search.js';
import type { RangeBody } from './body-bytes.js';
import { analyzeBody, type BodyAnalysis } from './body-index.js';
import { normalizeFlags } from './flags.js';
import { INBOX } from './names.js';
import { refuseProtected } from './privacy.js';
import type { Outcome, Repos } from './repos.js';

/** A body to store: in memory, or a spooled one read by range (issue 17 item 4). */
export type IngestBody = Buffer | RangeBody;

interface Placement {
  mailboxId: number;
  flags: readonly string[];
  prefix: Buffer;
  body: IngestBody;
  /** Set once the body row exists (shared by the recipients of one delivery). */
  bodyId: () => number;
  internalDate: Date;
  /** Minutes east of UTC; undefined: the server's local zone at internalDate. */
  internalZone: number | undefined;
  requireTls: boolean;
  tlsRequiredNo: boolean;
  forgedFields: number;
  /** JSON of the fields removed at ingest (migrations/0019-removed-fields.sql); null: not recorded. */
  removedFields: string | null;
  /** An imported message's UID (issue 16 item 1); undefined: the mailbox's next. */
  uid?: number | undefined;
  pop3Uidl?: string | undefined;
}

/**
 * The server's local zone at an instant, minutes east of UTC: the zone of a delivered message's INTERNALDATE
 * and of an APPEND without date-time, as Dovecot serves them (issue 13 item 6; migrations/0007-internal-zone.sql).
 */
export function localZoneAt(ms: number): number {
  const zone = -new Date(ms).getTimezoneOffset();
  return zone === 0 ? 0 : zone; // no -0
}

/**
 * Inserts a body with its structure, FETCH wire forms (issue 17 item 2), search fields and sort keys, in the caller's
 * transaction (SPEC R7.3, R7.4); the full-text index is filled afterwards, outside it (text-index/).
 */
function storeBody(repos: Repos, body: IngestBody, analysis: BodyAnalysis): number {
  const bodyId = repos.messages.insertBody(body);
  const headerEnd = analysis.mime.root.bodyStart;
  // Both read the header's first MAX_SEARCH_HEADER_BYTES only: no more of a large body is read for them.
  const headLength = Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES, body.length);
  const head = Buffer.isBuffer(body) ? body.subarray(0, headLength) : Buffer.from(body.read(0, headLength));
  repos.bodyIndex.store(bodyId, analysis);
  repos.renderings.store(bodyId, analysis.forms);
  repos.searchFields.store(bodyId, head, headerEnd);
  repos.sortKeys.store(bodyId, head, headerEnd);
  return bodyId;
}

/** Stores one message row after the quota check; returns its UID and the changes to publish. */
function place(repos: Repos, userId: number, p: Placement): { uid: number; changes: MailboxChange[] } {
  const flags = normalizeFlags(p.flags);
  const size = p.prefix.length + p.body.length;
  repos.users.assertRoom(userId, size);
  const bodyId = p.bodyId();
  const uid = p.uid === undefined ? repos.mailboxes.takeUids(p.mailboxId, 1) : repos.mailboxes.takeUid(p.mailboxId, p.uid);
  const modseq = repos.mailboxes.nextModseq(p.mailboxId);
  const internalDate = Number.isFinite(p.internalDate.getTime()) ? p.internalDate.getTime() : Date.now();
  repos.messages.insert({
    mailboxId: p.mailboxId,
    uid,
    modseq,
    systemFlags: flags.system,
    keywords: flags.keywords.join(' '),
    internalDate,
    internalZone: p.internalZone ?? localZoneAt(internalDate),
    size,
    requireTls: p.requireTls,
    tlsRequiredNo: p.tlsRequiredNo,
    forgedFields: p.forgedFields,
    removedFields: p.removedFields,
    bodyId,
    prefix: p.prefix,
    pop3Uidl: p.pop3Uidl ?? null,
  });
  const keywords = repos.keywords.record(p.mailboxId, [flags.keywords.join(' ')]); // issue 13 item 2
  return { uid, changes: [...keywords, { kind: 'exists', mailboxId: p.mailboxId, uid, modseq, requireTls: p.requireTls }] };
}

function targetMailbox(repos: Repos, recipient: DeliveryRecipient): number {
  repos.users.get(recipient.userId);
  const named = recipient.mailbox ? repos.mailboxes.find(recipient.userId, recipient.mailbox) : undefined;
  return (named ?? repos.mailboxes.get(recipient.userId, INBOX)).id; // a missing named mailbox → INBOX
}

/** Stores the body once and a message per recipient; a recipient's StoreError fails that recipient only. */
export function deliver(
  repos: Repos,
  input: Omit<DeliveryInput, 'body'> & { body: IngestBody },
  analysis: BodyAnalysis = analyzeBody(input.body),
): Outcome<DeliveryResult[]> {
  let bodyId: number | undefined;
  const sharedBody = (): number => (bodyId ??= storeBody(repos, input.body, analysis));
  const results: DeliveryResult[] = [];
  const changes: MailboxChange[] = [];
  for (const recipient of input.recipients) {
    const bodyBefore = bodyId;
    try {
      // A savepoint per recipient: a refusal half-way leaves nothing of that recipient behind.
      const placed = repos.db.transaction(() => {
        const mailboxId = targetMailbox(repos, recipient);
        const stored = place(repos, recipient.userId, {
          mailboxId,
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
        return { mailboxId, ...stored };
      })();
      results.push({ ok: true, userId: recipient.userId, mailboxId: placed.mailboxId, uid: placed.uid });
      changes.push(...placed.changes);
    } catch (err) {
      if (!isStoreError(err)) throw err;
      bodyId = bodyBefore; // the savepoint rolled back a body inserted for this recipient
      results.push({ ok: false, userId: recipient.userId, error: err });
    }
  }
  return { value: results, changes };
}

/** APPEND: the raw message becomes a body with an empty prefix. */
export function append(
  repos: Repos,
  userId: number,
  mailboxId: number,
  input: Omit<AppendInput, 'raw'> & { raw: IngestBody },
  analysis: BodyAnalysis = analyzeBody(input.raw),
  guard: PrivacyGuard = {},
): Outcome<AppendResult> {
  const mailbox = repos.mailboxes.getById(userId, mailboxId);
  refuseProtected(guard, [mailbox]); // R3.4: no APPENDUID of a protected mailbox to a cleartext session
  const { uid, changes } = place(repos, userId, {
    mailboxId: mailbox.id,
    flags: input.flags ?? [],
    prefix: input.prefix ?? Buffer.alloc(0), // migrate-store carries a delivered message's trace prefix
    body: input.raw,
    bodyId: () => storeBody(repos, input.raw, analysis),
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
  return { value: { mailboxId: mailbox.id, uidValidity: mailbox.uid_validity, uid }, changes };
}
