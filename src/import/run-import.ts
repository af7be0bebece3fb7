// `postern import` (issue 16 item 1): every message of the source through the store's APPEND ingest path (body
// dedup, MIME index, search text), in batches of one transaction each, so that a kill leaves whole messages.
// Idempotent and resumable: with the source's UIDVALIDITY, a UID already in the mailbox is skipped; without it,
// a message whose bytes the mailbox already holds (counted: two equal messages need two) is skipped.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { AppendInput, MailboxInfo, User } from '../store/types.js';
import type { Progress } from './progress.js';
import type { ImportSource, SourceMailbox, SourceMessage } from './source.js';

export interface ImportReport {
  mailboxes: number;
  imported: number;
  skipped: number;
  bytes: number;
  /** Messages that could not be imported, one line each. */
  problems: string[];
}

const BATCH_MESSAGES = 64;
const BATCH_BYTES = 8 * 1024 * 1024;

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The checksums of the messages the mailbox holds, counted (for sources without UIDs), read in bounded chunks. */
export async function storedChecksums(store: Store, user: User, box: MailboxInfo): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const uids = await store.listUids(user.id, box.id);
  for (let i = 0; i < uids.length; ) {
    const chunk = await store.readMessages(user.id, box.id, uids.slice(i, i + 256), 8 * 1024 * 1024);
    if (chunk.length === 0) break;
    for (const m of chunk) {
      const sum = sha256(Buffer.concat([m.prefix, m.body]));
      counts.set(sum, (counts.get(sum) ?? 0) + 1);
    }
    const lastUid = chunk[chunk.length - 1]!.uid;
    while (i < uids.length && uids[i]! <= lastUid) i++;
  }
  return counts;
}

const READ_AHEAD = 16;

/**
 * The messages with their reads started up to READ_AHEAD messages ahead (file reads overlap the store's work;
 * at most READ_AHEAD messages in memory). Messages not `wanted` (there already) are not read.
 */
async function* readAhead(
  messages: AsyncIterable<SourceMessage>,
  wanted: (m: SourceMessage) => boolean,
): AsyncGenerator<{ message: SourceMessage; bytes: () => Promise<Buffer> }> {
  const queue: Array<{ message: SourceMessage; read: Promise<Buffer> }> = [];
  for await (const message of messages) {
    const read = wanted(message) ? message.read() : Promise.resolve(Buffer.alloc(0));
    read.catch(() => undefined); // awaited when its turn comes; not an unhandled rejection meanwhile
    queue.push({ message, read });
    if (queue.length >= READ_AHEAD) {
      const next = queue.shift()!;
      yield { message: next.message, bytes: () => next.read };
    }
  }
  for (const next of queue) yield { message: next.message, bytes: () => next.read };
}

async function importMailbox(store: Store, user: User, source: SourceMailbox, progress: Progress, report: ImportReport): Promise<void> {
  const keepUids = source.uidValidity !== undefined;
  const box = await store.prepareImport(user.id, source.name, keepUids ? { uidValidity: source.uidValidity! } : {});
  const present = keepUids ? new Set(await store.listUids(user.id, box.id)) : new Set<number>();
  const held = keepUids ? new Map<string, number>() : await storedChecksums(store, user, box);
  let uidNext = box.uidNext;
  let batch: AppendInput[] = [];
  let batchBytes = 0;
  let imported = 0;
  let skipped = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await store.appendAll(user.id, box.id, batch);
    imported += batch.length;
    report.bytes += batchBytes;
    batch = [];
    batchBytes = 0;
  };
  progress.start(source.name);
  for await (const { message, bytes } of readAhead(source.messages(), (m) => !(keepUids && present.has(m.uid)))) {
    progress.tick(source.expected?.());
    if (keepUids && present.has(message.uid)) {
      skipped += 1;
      continue;
    }
    if (keepUids && message.uid < uidNext) {
      report.problems.push(`${source.name} UID ${message.uid}: below Postern's UIDNEXT ${uidNext} but not in the mailbox (expunged here?); not imported`);
      continue;
    }
    let raw: Buffer;
    try {
      raw = await bytes();
    } catch (err) {
      report.problems.push(`${source.name} UID ${message.uid} (${message.where}): ${err instanceof Error ? err.message : String(err)}; not imported`);
      continue;
    }
    if (!keepUids) {
      const sum = sha256(raw);
      const n = held.get(sum) ?? 0;
      if (n > 0) {
        held.set(sum, n - 1);
        skipped += 1;
        continue;
      }
    }
    batch.push({
      raw,
      flags: message.flags,
      internalDate: message.internalDate,
      ...(keepUids ? { uid: message.uid } : {}),
      ...(message.pop3Uidl === undefined ? {} : { pop3Uidl: message.pop3Uidl }),
    });
    if (keepUids) uidNext = message.uid + 1;
    batchBytes += raw.length;
    if (batch.length >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) await flush();
  }
  await flush();
  const sourceNext = source.uidNext();
  if (keepUids && sourceNext !== undefined) await store.raiseUidNext(user.id, box.id, sourceNext); // RFC 9051 §2.3.1.1
  progress.finish(imported, skipped);
  report.imported += imported;
  report.skipped += skipped;
  report.mailboxes += 1;
}

export async function runImport(store: Store, user: User, source: ImportSource, progress: Progress): Promise<ImportReport> {
  const report: ImportReport = { mailboxes: 0, imported: 0, skipped: 0, bytes: 0, problems: [] };
  for (const mailbox of await source.mailboxes()) await importMailbox(store, user, mailbox, progress, report);
  let subscriptions: string[] = [];
  try {
    subscriptions = await source.subscriptions();
  } catch (err) {
    report.problems.push(`subscriptions: ${err instanceof Error ? err.message : String(err)}; none kept`);
  }
  for (const name of subscriptions) {
    try {
      await store.subscribe(user.id, name);
    } catch (err) {
      report.problems.push(`subscription ${JSON.stringify(name)}: ${err instanceof Error ? err.message : String(err)}; not kept`);
    }
  }
  return report;
}
