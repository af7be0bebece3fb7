// The end of a mail transaction (RFC 2033 §4.2, SPEC R1.4, R1.5, R1.7, R1.8, R2, R3.3): prepare the
// message once at the ADMD boundary, store it for every recipient in one transaction, and give one reply
// per accepted recipient saying whether that recipient's copy is durably stored.
import { randomBytes } from 'node:crypto';
import { prepareIngest, prepareIngestFile, toDeliveryInput, type IngestOptions, type PreparedMessage, type RejectedMessage } from '../delivery/ingest.js';
import { MAX_QUEUE_ID_LENGTH } from '../delivery/received-id.js';
import type { SpooledBody } from '../net/spool.js';
import { bodyLength } from '../store/types.js';
import type { StoreErrorKind } from '../store/errors.js';
import type { DeliveryResult } from '../store/types.js';
import type { LmtpContext } from './context.js';
import { formatAddress } from './protocol/address.js';
import { reply, R, type Reply } from './replies.js';
import type { Transaction } from './state.js';
import { isTrustedClient } from './trust.js';

/** Per-recipient reply for a store failure kind; one exhaustive mapping (ARCHITECTURE.md "Errors and codes"). */
function failureReply(kind: StoreErrorKind, address: string, quotaTempfail: boolean): Reply {
  switch (kind) {
    case 'over-quota':
      return quotaTempfail ? R.quotaTemp(address) : R.quotaFull(address);
    case 'not-found':
      return R.noSuchUser(address);
    case 'too-large':
      return reply(552, '5.3.4', `<${address}> Message too big for this mailbox`);
    case 'exists':
    case 'invalid-name':
    case 'not-allowed':
    case 'has-children':
    case 'in-use':
    case 'privacy-required': // asked for by IMAP only; a delivery never is
    case 'temporary':
      return R.storeFailed();
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * Stores `raw` for every accepted recipient of `tx`; returns one reply per recipient, in RCPT order. A spooled
 * body's file is removed once the store has answered.
 */
export async function deliverTransaction(ctx: LmtpContext, tx: Transaction, raw: SpooledBody): Promise<Reply[]> {
  try {
    const replies = await deliverSpooled(ctx, tx, raw);
    for (const r of replies) ctx.services.metrics.deliveryReply(r.code); // issue 16 item 4: ok / temp / perm
    return replies;
  } finally {
    if (raw.kind === 'file') raw.release();
  }
}

async function deliverSpooled(ctx: LmtpContext, tx: Transaction, raw: SpooledBody): Promise<Reply[]> {
  const { settings, store, resolver } = ctx.services;
  const { facts } = ctx;
  const queueId = randomBytes(6).toString('hex').toUpperCase();
  const helo = ctx.state.kind === 'transaction' ? ctx.state.helo : null;
  const trusted = isTrustedClient(ctx.trust); // R1.3: never true for an ordinary authenticated user
  // Issue 16 item 8: XFORWARD IDENT names this message only; the next one must send its own.
  const ident = facts.xforward.ident === null ? null : facts.xforward.ident.slice(0, MAX_QUEUE_ID_LENGTH);
  facts.xforward.ident = null;
  const opts: IngestOptions = {
    authservId: settings.authservId,
    internalIds: settings.internalIds,
    removeForeign: settings.removeForeignResults,
    trustedClient: trusted,
    hostname: settings.hostname,
    client: { helo, ip: facts.transport === 'unix' ? null : facts.remoteAddress, hostname: null },
    tls: facts.tls,
    authenticated: facts.auth !== null,
    mailFrom: formatAddress(tx.from),
    smtpAuth: tx.params.auth, // already what MAIL believed (trust.ts believedAuthParam, R1.3)
    queueId,
    verify: {
      enabled: settings.verify,
      resolver,
      timeoutMs: settings.dnsTimeoutMs,
      clientIp: trusted ? facts.xforward.addr : null,
      helo: trusted ? facts.xforward.helo : null,
      trustReceived: settings.trustReceived && trusted, // R2.3: only a trusted client's Received is read
    },
    limits: { maxHeaderBytes: settings.maxHeaderBytes, maxFields: 10_000 },
  };
  let prepared: PreparedMessage | RejectedMessage;
  try {
    prepared = raw.kind === 'memory' ? await prepareIngest(raw.bytes, opts) : await prepareIngestFile(raw, opts);
  } catch (err) {
    ctx.log.error({ queueId, mtaQueueId: ident, err }, 'could not read the spooled message');
    return tx.recipients.map(() => R.storeFailed());
  }
  if (!prepared.ok) {
    ctx.log.warn({ queueId, mtaQueueId: ident, reason: prepared.reason }, 'message refused');
    return tx.recipients.map(() => reply(552, '5.3.4', prepared.message));
  }

  // The handing MTA's queue id: XFORWARD IDENT, else its Received field's `id`; a trusted client's only (R1.3).
  const mtaQueueId = trusted ? (ident ?? prepared.receivedId) : null;
  let results: DeliveryResult[];
  try {
    results = await store.deliver(toDeliveryInput(prepared, tx.recipients, tx.params.requireTls));
  } catch (err) {
    ctx.log.error({ queueId, mtaQueueId, err }, 'delivery failed in the store');
    return tx.recipients.map(() => R.storeFailed()); // R1.5: nothing acknowledged that is not committed
  }

  const replies = results.map((result, i) => {
    const address = tx.recipients[i]?.address ?? '';
    return result.ok ? R.stored(queueId, address) : failureReply(result.error.kind, address, settings.quotaFullTempfail);
  });
  ctx.services.metrics.stored({
    bytes: bodyLength(prepared.body),
    recipients: results.filter((r) => r.ok).length,
    requireTls: tx.params.requireTls,
    forgedRemoved: prepared.forgedRemoved,
  });
  const v = prepared.verification;
  ctx.log.info(
    {
      event: 'delivery',
      queueId,
      mtaQueueId,
      trust: ctx.trust,
      messageId: prepared.messageId,
      size: bodyLength(prepared.body),
      from: formatAddress(tx.from),
      recipients: tx.recipients.map((r, i) => ({ to: r.address, status: replies[i]?.code })),
      requireTls: tx.params.requireTls,
      tlsRequiredNo: prepared.tlsRequiredNo,
      forgedRemoved: prepared.forgedRemoved,
      dkim: v.dkim.map((d) => d.result),
      spf: v.spf?.result ?? null,
      dmarc: v.dmarc?.result ?? null,
      arc: v.arc?.result ?? null,
    },
    'delivered',
  );
  return replies;
}
