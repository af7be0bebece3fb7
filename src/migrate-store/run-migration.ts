// `postern migrate-store` (issue 18 item 5): a whole store copied to another, SQLite → PostgreSQL and back: every
// user (name, stored credentials — never re-hashed —, quota, disabled), mailbox (name, special use, UIDVALIDITY,
// UIDNEXT; \Noselect names), subscription and message (copy-messages.ts). Idempotent and resumable: what the target
// holds already is kept and skipped, so a second run copies nothing and a run after a kill finishes the copy.
import { isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { MailboxInfo, User, UserWithCredentials } from '../store/types.js';
import type { Progress } from '../import/progress.js';
import { copyMailboxMessages, type CopyHooks } from './copy-messages.js';

export interface MigrationReport {
  users: number;
  mailboxes: number;
  copied: number;
  skipped: number;
  /** Messages copied by an earlier run whose flags the source changed since, set again. */
  reflagged: number;
  /** Messages copied by an earlier run that the source expunged since, expunged in the target. */
  expunged: number;
  bytes: number;
  /** What could not be copied, one line each (the run then exits 1). */
  problems: string[];
}

function sameCredentials(a: UserWithCredentials, b: UserWithCredentials): boolean {
  return JSON.stringify(a.credentials) === JSON.stringify(b.credentials);
}

/** The user in the target, created (without quota while copying: see copyUser) or brought up to date. */
async function targetUser(target: Store, from: UserWithCredentials): Promise<UserWithCredentials> {
  const found = await target.findUser(from.name);
  if (found === null) {
    await target.createUser(from.name, from.credentials, { quotaBytes: null });
  } else {
    if (!sameCredentials(found, from)) await target.setCredentials(found.id, from.credentials); // stored as is, never re-hashed
    if (found.quotaBytes !== null) await target.setQuota(found.id, null);
  }
  return (await target.findUser(from.name))!;
}

/** The mailbox in the target with the source's UIDVALIDITY (and special use when the target creates it). */
async function targetMailbox(target: Store, userId: number, box: MailboxInfo, problems: string[]): Promise<MailboxInfo | null> {
  if (box.specialUse !== null) {
    try {
      await target.createMailbox(userId, box.name, { specialUse: box.specialUse });
    } catch (err) {
      if (!isStoreError(err) || err.kind !== 'exists') throw err;
    }
  }
  try {
    // RFC 7162 §3.1.2.1: HIGHESTMODSEQ never goes down under one UIDVALIDITY: every change in the target ranks
    // above what clients cached from the source (the copied messages too: they resync flags, never bodies).
    const to = await target.prepareImport(userId, box.name, { uidValidity: box.uidValidity, modseqFloor: box.highestModseq });
    if (to.messages === 0 && to.highestModseq < box.highestModseq) {
      problems.push(`${box.name}: the target's empty mailbox already had the source's UIDVALIDITY, so its HIGHESTMODSEQ stays below the source's; delete it and run again`);
    }
    if (to.specialUse !== box.specialUse) {
      problems.push(`${box.name}: special use ${box.specialUse ?? 'none'} in the source, ${to.specialUse ?? 'none'} in the target (the store cannot change it)`);
    }
    return to;
  } catch (err) {
    if (!isStoreError(err)) throw err;
    problems.push(`${box.name}: ${err.message}; its messages are not copied`);
    return null;
  }
}

/**
 * After the messages: the target's mailboxes that the source does not have go (those createUser made, empty), the
 * source's \Noselect names are left \Noselect (DELETE of a mailbox with inferiors, RFC 3501 §6.3.4), and the
 * subscriptions become the source's.
 */
async function alignNames(source: Store, target: Store, from: User, to: User, problems: string[]): Promise<void> {
  const names = new Set((await source.listMailboxes(from.id)).map((b) => b.name));
  const noselect = new Set(await source.listNoselect(from.id));
  for (const box of await target.listMailboxes(to.id)) {
    if (names.has(box.name)) continue;
    if (box.messages > 0) problems.push(`${from.name} ${box.name}: in the target only, with ${box.messages} messages; left alone`);
    else if (box.name !== 'INBOX') await target.deleteMailbox(to.id, box.name); // a \Noselect name stays when it has inferiors
  }
  const targetNoselect = new Set(await target.listNoselect(to.id));
  for (const name of noselect) if (!targetNoselect.has(name)) problems.push(`${from.name} ${name}: \\Noselect in the source, not in the target`);
  const wanted = new Set(await source.listSubscriptions(from.id));
  const held = new Set(await target.listSubscriptions(to.id));
  for (const name of wanted) if (!held.has(name)) await target.subscribe(to.id, name);
  for (const name of held) if (!wanted.has(name)) await target.unsubscribe(to.id, name);
}

async function copyUser(source: Store, target: Store, user: User, progress: Progress, report: MigrationReport, hooks: CopyHooks): Promise<void> {
  const from = (await source.findUser(user.name))!;
  const to = await targetUser(target, from);
  // Quota is set after the copy: a source over its quota (set lower after the mail came) must still copy whole.
  // Parents before their inferiors (a name sorts before its extensions): a parent's special use is set when the
  // target creates it, not lost to an inferior that created it first.
  const boxes = (await source.listMailboxes(from.id)).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const box of boxes) {
    const toBox = await targetMailbox(target, to.id, box, report.problems);
    if (toBox === null) continue;
    progress.start(`${from.name} ${box.name}`);
    const copy = await copyMailboxMessages(source, target, { userId: from.id, box }, { userId: to.id, box: toBox }, progress, hooks);
    progress.finish(copy.copied, copy.skipped);
    report.mailboxes += 1;
    report.copied += copy.copied;
    report.skipped += copy.skipped;
    report.reflagged += copy.reflagged;
    report.expunged += copy.expunged;
    report.bytes += copy.bytes;
    report.problems.push(...copy.problems.map((p) => `${from.name} ${p}`));
  }
  await alignNames(source, target, from, to, report.problems);
  await target.setQuota(to.id, from.quotaBytes);
  if (to.disabled !== from.disabled) await target.setUserDisabled(to.id, from.disabled);
  report.users += 1;
}

export async function runMigration(source: Store, target: Store, progress: Progress, hooks: CopyHooks = {}): Promise<MigrationReport> {
  const report: MigrationReport = { users: 0, mailboxes: 0, copied: 0, skipped: 0, reflagged: 0, expunged: 0, bytes: 0, problems: [] };
  for (const user of await source.listUsers()) await copyUser(source, target, user, progress, report, hooks);
  return report;
}
