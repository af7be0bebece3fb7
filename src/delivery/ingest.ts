// The protocol-neutral ingest step for LMTP (and APPEND-like callers): normalise line endings (R1.6, and a
// The protocol-neutral ingest step for LMTP (and APPEND-like callers): normalise line endings (R1.6, and a
// lone CR in the header, RFC 5322 §2.2), start a message that does not begin with a header field with the
// blank line (no byte of it may join our prepended fields, R1.7), strip forbidden Authentication-Results
// fields (R2.2), note `TLS-Required: No` (RFC 8689 §5, R3.3), verify once per message (R2.3) and build each
// recipient's trace prefix (R1.7, R2.4). A large message is read from its spool file (issue 12 item 13).
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { readHead } from '../net/spool.js';
import type { BodyBytes, DeliveryInput, DeliveryRecipient } from '../store/types.js';
import {
  DEFAULT_HEADER_LIMITS,
  fieldValue,
  normalizeLineEndings,
  parseHeaderBlock,
  rebuildMessage,
  separateNonFieldStart,
  splitLoneCrInHeader,
  type HeaderField,
  type HeaderLimits,
} from './header-block.js';
import { receivedQueueId } from './received-id.js';
import { stripAuthenticationResults, type RemovedField } from './strip.js';
import { verifyMessage, type DnsResolver, type Verification } from './verify.js';
import { tracePrefix, type TraceContext } from './stamp.js';

const CRLF = Buffer.from('\r\n');

export interface IngestOptions {
  /** Our authserv-id and the other ids inside our ADMD (R2.1). */
  authservId: string;
  internalIds: readonly string[];
  /** R2.2: remove foreign Authentication-Results fields too. */
  removeForeign: boolean;
  /** A trusted client (R1.3): trusted network, Unix socket or relay; never merely an authenticated user. */
  trustedClient: boolean;
  /** Our host name, for the Received field. */
  hostname: string;
  /** The LMTP client on this connection (Received `from`). */
  client: { helo: string | null; ip: string | null; hostname: string | null };
  tls: { protocol: string; cipher: string } | null;
  authenticated: boolean;
  /** Envelope sender; empty string for `<>`. */
  mailFrom: string;
  /** The `AUTH=<id>` of MAIL FROM as the protocol believed it (R1.3, RFC 4954 §5), or null; stamped as given. */
  smtpAuth: string | null;
  queueId: string;
  /** When the message was received; defaults to now. */
  date?: Date;
  verify: {
    enabled: boolean;
    resolver: DnsResolver;
    timeoutMs: number;
    /** The originating client (from XFORWARD); null when unknown. */
    clientIp: string | null;
    helo: string | null;
    /** Read the originating client from the topmost Received field (R2.3); set only for a trusted client. */
    trustReceived?: boolean;
  };
  limits?: HeaderLimits;
}

export interface PreparedMessage<B extends BodyBytes = BodyBytes> {
  ok: true;
  /** The stored message: CRLF, forbidden fields removed, byte-exact otherwise (R1.6); a large one in its spool file. */
  body: B;
  /** Forged fields removed (stored with the message, R2.2). */
  forgedRemoved: number;
  /** Every removed field, for the log line. */
  removed: RemovedField[];
  /** The header carried `TLS-Required: No` (RFC 8689 §5). */
  tlsRequiredNo: boolean;
  /** The Message-ID field's value, for the delivery log line; null when absent. */
  messageId: string | null;
  /** The `id` of the topmost Received field (the handing MTA's queue id), for the delivery log line; null when absent. */
  receivedId: string | null;
  verification: Verification;
  date: Date;
  /** The trace prefix for one recipient: Return-Path, Delivered-To, Authentication-Results, Received. */
  prefixFor(recipient: string): Buffer;
}

/** The header exceeded a limit: the message is refused (e.g. `552 5.3.4`), so nothing escapes stripping. */
export interface RejectedMessage {
  ok: false;
  reason: 'header-too-large' | 'too-many-fields';
  message: string;
}

/** RFC 8689 §5: `TLS-Required: No`, the value compared case-insensitively, surrounding whitespace ignored. */
export function hasTlsRequiredNo(fields: readonly HeaderField[]): boolean {
  return fields.some((f) => f.lowerName === 'tls-required' && fieldValue(f).trim().toLowerCase() === 'no');
}

/** Issue 16 item 8: the topmost Received field is the one the MTA handing us the message wrote. */
function topmostReceivedId(fields: readonly HeaderField[]): string | null {
  const field = fields.find((f) => f.lowerName === 'received');
  return field ? receivedQueueId(fieldValue(field)) : null;
}

function messageIdOf(fields: readonly HeaderField[]): string | null {
  const field = fields.find((f) => f.lowerName === 'message-id');
  return field ? fieldValue(field).trim().slice(0, 256) : null;
}

/** Prepares one message for delivery to all its recipients; verification runs once. Never throws. */
export async function prepareIngest(raw: Buffer, opts: IngestOptions): Promise<PreparedMessage<Buffer> | RejectedMessage> {
  // R1.7: nothing of the message may fold into or join the fields we prepend (separateNonFieldStart).
  const message = separateNonFieldStart(splitLoneCrInHeader(normalizeLineEndings(raw)));
  return prepareFrom<Buffer>(message, message, (fields, block) => (fields === null ? message : rebuildMessage(fields, block.separator, block.body)), opts);
}

/**
 * prepareIngest for a message in a spool file (issue 12 item 13), already CRLF (DATA and BDAT normalise as they
 * spool): only its header (bounded by the header limit) is read into memory, verification streams the file,
 * and the body to store stays in the file. Throws only when the file cannot be read.
 */
export async function prepareIngestFile(file: { path: string; size: number }, opts: IngestOptions): Promise<PreparedMessage | RejectedMessage> {
  const limits = opts.limits ?? DEFAULT_HEADER_LIMITS;
  const rawHead = readHead(file.path, Math.min(file.size, limits.maxHeaderBytes + 1));
  // R1.7 as in prepareIngest: a first line that is not a field makes the whole file the body, after a blank line.
  const split = splitLoneCrInHeader(rawHead);
  const head = separateNonFieldStart(split) === split ? split : Buffer.concat([CRLF, rawHead]);
  // Every LF the split inserts lies before the blank line: the file offset of the body is known from it.
  const inserted = head.length - rawHead.length;
  const verifyInput = (): Readable => {
    const block = parseHeaderBlock(head, limits);
    const headEnd = block.bodyStart;
    return Readable.from(
      (async function* () {
        yield head.subarray(0, headEnd);
        yield* createReadStream(file.path, { start: headEnd - inserted, highWaterMark: 64 * 1024 });
      })(),
    );
  };
  return prepareFrom(head, verifyInput, (fields, block) => {
    const kept = fields === null ? [head.subarray(0, block.bodyStart)] : [...fields.map((f) => f.raw), block.separator];
    const offset = block.bodyStart - inserted;
    return { head: Buffer.concat(kept), path: file.path, offset, length: file.size - offset };
  }, opts);
}

/**
 * The policy common to both: `message` holds at least the whole header (R2.2 strips from it), `verifyInput` is
 * the whole message as it arrived, and `bodyOf` gives the body to store from the kept fields (null: all kept).
 */
async function prepareFrom<B extends BodyBytes>(
  message: Buffer,
  verifyInput: Buffer | (() => Readable),
  bodyOf: (fields: HeaderField[] | null, block: ReturnType<typeof parseHeaderBlock>) => B,
  opts: IngestOptions,
): Promise<PreparedMessage<B> | RejectedMessage> {
  const limits = opts.limits ?? DEFAULT_HEADER_LIMITS;
  const block = parseHeaderBlock(message, limits);
  if (block.overflow === 'header-bytes') {
    return { ok: false, reason: 'header-too-large', message: `header larger than ${limits.maxHeaderBytes} bytes` };
  }
  if (block.overflow === 'field-count') {
    return { ok: false, reason: 'too-many-fields', message: `more than ${limits.maxFields} header fields` };
  }
  const stripped = stripAuthenticationResults(block.fields, {
    ourId: opts.authservId,
    internalIds: opts.internalIds,
    trustedClient: opts.trustedClient,
    removeForeign: opts.removeForeign,
  });
  const body = bodyOf(stripped.removed.length === 0 ? null : stripped.fields, block);
  // Verified as it arrived: a sender's signature may cover a field we then remove (RFC 8601 §5).
  const verification = await verifyMessage(verifyInput, {
    enabled: opts.verify.enabled,
    resolver: opts.verify.resolver,
    timeoutMs: opts.verify.timeoutMs,
    clientIp: opts.verify.clientIp,
    helo: opts.verify.helo,
    mailFrom: opts.mailFrom,
    trustReceived: opts.verify.trustReceived ?? false,
    authservId: opts.authservId,
  });
  const date = opts.date ?? new Date();
  const ctx: TraceContext = {
    authservId: opts.authservId,
    hostname: opts.hostname,
    client: opts.client,
    tls: opts.tls,
    authenticated: opts.authenticated,
    queueId: opts.queueId,
    mailFrom: opts.mailFrom,
    smtpAuth: opts.smtpAuth, // R1.3: the protocol decided what to believe
    date,
  };
  return {
    ok: true,
    body,
    forgedRemoved: stripped.forgedRemoved,
    removed: stripped.removed,
    tlsRequiredNo: hasTlsRequiredNo(stripped.fields),
    messageId: messageIdOf(stripped.fields),
    receivedId: topmostReceivedId(stripped.fields),
    verification,
    date,
    prefixFor: (recipient) => tracePrefix(ctx, verification, recipient),
  };
}

/** One recipient's store destination, named by its envelope address (for Delivered-To and `for`). */
export interface IngestRecipient {
  address: string;
  userId: number;
  mailbox?: string;
  flags?: string[];
}

/** Maps a prepared message onto the store's DeliveryInput (R1.8: one body, a prefix per recipient). */
export function toDeliveryInput(prepared: PreparedMessage, recipients: readonly IngestRecipient[], requireTls: boolean): DeliveryInput {
  const list: DeliveryRecipient[] = recipients.map((r) => {
    const entry: DeliveryRecipient = { userId: r.userId, prefix: prepared.prefixFor(r.address) };
    if (r.mailbox !== undefined) entry.mailbox = r.mailbox;
    if (r.flags !== undefined) entry.flags = r.flags;
    return entry;
  });
  return {
    body: prepared.body,
    recipients: list,
    internalDate: prepared.date,
    requireTls,
    tlsRequiredNo: prepared.tlsRequiredNo,
    forgedFields: prepared.forgedRemoved,
    // Kept with each message for `postern message show` (issue 16 item 7; migrations/0019-removed-fields.sql).
    removedFields: prepared.removed.map((r) => ({
      name: r.field.name ?? '',
      value: fieldValue(r.field).trim(),
      reason: r.reason,
      claimedId: r.claimedId,
    })),
  };
}
