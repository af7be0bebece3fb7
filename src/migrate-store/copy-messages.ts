// `postern migrate-store` (issue 18 item 5): the messages of one mailbox copied to the same mailbox of another
// store, keeping each UID, flags and keywords, INTERNALDATE and its zone, REQUIRETLS (RFC 8689: a promise that
// must survive), TLS-Required: No, the forged-field count and removed-field record (SPEC R2.2), the POP3 UIDL
// imported with it (RFC 1939 §7) and the served bytes with the trace prefix kept apart from the body.
// Bounded memory: source UIDs are read in batches (at most BATCH_MESSAGES messages, BATCH_BYTES octets), each batch
// stored by one appendAll (one transaction): a kill leaves whole batches, and a UID already in the target is skipped.
import type { Store } from '../store/store.js';
import type { AppendInput, MailboxInfo, MessageMeta, UserId } from '../store/types.js';
import type { Progress } from '../import/progress.js';

export const BATCH_MESSAGES = 64;
export const BATCH_BYTES = 8 * 1024 * 1024;

export interface MailboxCopy {
  copied: number;
  skipped: number;
  /** Messages there already whose flags and keywords changed in the source since: set again in the target. */
  reflagged: number;
  /** Messages there already that the source has expunged since: expunged in the target too. */
  expunged: number;
  bytes: number;
  problems: string[];
}

/** Test hook: the process kills itself after this many stored batches (a crash halfway, for resume tests). */
export interface CopyHooks {
  afterBatch?: () => void;
}

function flagKey(flags: readonly string[]): string {
  return [...flags].sort().join(' ');
}

/**
 * A run after an earlier one (the source still in service meanwhile): the messages copied before get the source's
 * flags and keywords again where they changed, and those the source expunged since go from the target too.
 */
async function syncPresent(
  source: Store,
  target: Store,
  from: { userId: UserId; box: MailboxInfo },
  to: { userId: UserId; box: MailboxInfo },
  sourceUids: readonly number[],
  present: ReadonlySet<number>,
  out: MailboxCopy,
): Promise<void> {
  const inSource = new Set(sourceUids);
  const gone = [...present].filter((uid) => !inSource.has(uid) && uid < from.box.uidNext).sort((a, b) => a - b);
  if (gone.length > 0) out.expunged += (await target.expunge(to.userId, to.box.id, { uids: gone, force: true })).length;
  const both = sourceUids.filter((uid) => present.has(uid));
  for (let i = 0; i < both.length; i += 256) {
    const span = both.slice(i, i + 256);
    const [a, b] = [await metasOf(source, from.userId, from.box, span), await metasOf(target, to.userId, to.box, span)];
    for (const uid of span) {
      const x = a.get(uid);
      const y = b.get(uid);
      if (x === undefined || y === undefined || flagKey(x.flags) === flagKey(y.flags)) continue;
      await target.setFlags(to.userId, to.box.id, [uid], 'replace', x.flags);
      out.reflagged += 1;
    }
  }
}

async function metasOf(store: Store, userId: UserId, box: MailboxInfo, uids: readonly number[]): Promise<Map<number, MessageMeta>> {
  if (uids.length === 0) return new Map();
  const metas = await store.listMessages(userId, box.id, [{ from: uids[0]!, to: uids[uids.length - 1]! }]);
  return new Map(metas.map((m) => [m.uid, m]));
}

/** The AppendInputs of the source messages among `uids` (ascending), as many as one bounded read returns. */
async function readBatch(
  source: Store,
  from: { userId: UserId; box: MailboxInfo; uidls: Map<number, string> },
  uids: readonly number[],
): Promise<{ inputs: AppendInput[]; last: number; bytes: number } | null> {
  const read = await source.readMessages(from.userId, from.box.id, uids, BATCH_BYTES);
  if (read.length === 0) return null;
  const metas = await metasOf(source, from.userId, from.box, read.map((m) => m.uid));
  const inputs: AppendInput[] = [];
  let bytes = 0;
  for (const m of read) {
    const meta = metas.get(m.uid);
    if (meta === undefined) continue; // expunged between the two reads
    const uidl = from.uidls.get(m.uid);
    inputs.push({
      raw: m.body,
      prefix: m.prefix,
      flags: meta.flags,
      internalDate: meta.internalDate,
      internalZone: meta.internalZone,
      requireTls: meta.requireTls,
      tlsRequiredNo: meta.tlsRequiredNo,
      forgedFields: meta.forgedFields,
      removedFields: await source.removedFields(from.userId, from.box.id, m.uid),
      uid: m.uid,
      ...(uidl === undefined ? {} : { pop3Uidl: uidl }),
    });
    bytes += m.prefix.length + m.body.length;
  }
  return { inputs, last: read[read.length - 1]!.uid, bytes };
}

/**
 * Copies the messages of `from.box` not yet in `to.box` (same UIDVALIDITY: prepareImport), in ascending UID order,
 * then raises the target's UIDNEXT to the source's (RFC 9051 §2.3.1.1: UIDs the source expunged are not reused).
 */
export async function copyMailboxMessages(
  source: Store,
  target: Store,
  from: { userId: UserId; box: MailboxInfo },
  to: { userId: UserId; box: MailboxInfo },
  progress: Progress,
  hooks: CopyHooks = {},
): Promise<MailboxCopy> {
  const out: MailboxCopy = { copied: 0, skipped: 0, reflagged: 0, expunged: 0, bytes: 0, problems: [] };
  const present = new Set(await target.listUids(to.userId, to.box.id));
  const all = await source.listUids(from.userId, from.box.id);
  const uidls = await source.pop3Uidls(from.userId, from.box.id);
  await syncPresent(source, target, from, to, all, present, out);
  let uidNext = to.box.uidNext;
  const wanted: number[] = [];
  for (const uid of all) {
    if (present.has(uid)) {
      out.skipped += 1;
      progress.tick(all.length);
    } else if (uid < uidNext) {
      progress.tick(all.length);
      out.problems.push(`${from.box.name} UID ${uid}: below the target's UIDNEXT ${uidNext} but not in its mailbox (expunged there?); not copied`);
    } else wanted.push(uid);
  }
  let i = 0;
  while (i < wanted.length) {
    const batch = await readBatch(source, { ...from, uidls }, wanted.slice(i, i + BATCH_MESSAGES));
    if (batch === null) break; // the rest was expunged from the source meanwhile
    if (batch.inputs.length > 0) {
      await target.appendAll(to.userId, to.box.id, batch.inputs);
      uidNext = batch.inputs[batch.inputs.length - 1]!.uid! + 1;
      out.copied += batch.inputs.length;
      out.bytes += batch.bytes;
      for (let n = 0; n < batch.inputs.length; n++) progress.tick(all.length);
      hooks.afterBatch?.();
    }
    while (i < wanted.length && wanted[i]! <= batch.last) i++;
  }
  const sourceBox = await source.getMailboxById(from.userId, from.box.id);
  await target.raiseUidNext(to.userId, to.box.id, sourceBox.uidNext);
  return out;
}
