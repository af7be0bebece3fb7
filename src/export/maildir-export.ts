// `postern export maildir` (issue 16 item 2): writes a user's mailboxes as a Maildir++ tree that Dovecot reads
// with the same UIDVALIDITY, UIDs, UIDNEXT, flags, keywords, INTERNALDATE (the file's mtime) and POP3 UIDLs.
// A few MiB of messages in memory at a time; each file written in tmp/, synced, then renamed into cur/ (maildir(5)).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, utimesSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { uniqueId } from '../pop3/maildrop.js';
import type { Store } from '../store/store.js';
import type { MailboxInfo, MessageMeta, User } from '../store/types.js';
import {
  baseFileName,
  folderDirName,
  folderNameProblem,
  infoFlags,
  keywordsFile,
  mailboxGuid,
  MAX_KEYWORD_LETTERS,
  subscriptionsFile,
  uidlistHeader,
  uidlistLine,
  virtualSize,
} from './maildir-format.js';

/** Metadata is read this many messages at a time. */
const CHUNK = 500;
/** Bodies are read about this many bytes at a time (at least one message): memory stays flat. */
const READ_BYTES = 4 * 1024 * 1024;

export interface ExportProgress {
  mailbox: string;
  /** Messages written so far, all mailboxes. */
  done: number;
  total: number;
}

export interface DroppedKeywords {
  mailbox: string;
  /** Keywords beyond the 26 a Maildir++ file name can carry, least used first dropped. */
  keywords: string[];
  /** Messages that lost at least one keyword. */
  messages: number;
}

export interface ExportSummary {
  mailboxes: number;
  messages: number;
  bytes: number;
  dropped: DroppedKeywords[];
}

/** The export cannot start: the target or the mailbox names do not allow it (nothing was written). */
export class ExportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRefused';
  }
}

export interface ExportOptions {
  /** The host part of file names (maildir(5)). */
  host: string;
  onProgress?: (p: ExportProgress) => void;
}

export async function exportMaildir(store: Store, user: User, root: string, opts: ExportOptions): Promise<ExportSummary> {
  const created = prepareRoot(root);
  const boxes = (await store.listMailboxes(user.id)).sort(inboxFirst);
  const problems = boxes.map((b) => folderNameProblem(b.name)).filter((p): p is string => p !== null);
  if (problems.length > 0) {
    throw new ExportRefused(`cannot write these mailbox names as Maildir++ folders (rename them first): ${problems.join('; ')}`);
  }
  if (created) mkdirSync(root, { mode: 0o700 }); // fails if someone made it meanwhile
  const total = boxes.reduce((n, b) => n + b.messages, 0);
  const state = { done: 0, total, bytes: 0, serial: 0, nonce: randomBytes(4).toString('hex') };
  const dropped: DroppedKeywords[] = [];
  for (const box of boxes) {
    const lost = await exportMailbox(store, user, box, root, opts, state);
    if (lost) dropped.push(lost);
  }
  writeDurably(join(root, 'subscriptions'), subscriptionsFile(await store.listSubscriptions(user.id)));
  return { mailboxes: boxes.length, messages: state.done, bytes: state.bytes, dropped };
}

interface RunState {
  done: number;
  total: number;
  bytes: number;
  serial: number;
  nonce: string;
}

async function exportMailbox(
  store: Store,
  user: User,
  listed: MailboxInfo,
  root: string,
  opts: ExportOptions,
  state: RunState,
): Promise<DroppedKeywords | null> {
  // One snapshot: UIDVALIDITY, UIDNEXT and the UIDs agree (R7.5); later arrivals stay for a later export.
  const opened = await store.openMailbox(user.id, listed.name, () => undefined);
  opened.close();
  const { info, uids } = opened;
  const isInbox = info.name.toUpperCase() === 'INBOX';
  // The UIDLs POP3 serves: a message imported with one keeps it (migrations/0020), the others <uidvalidity>.<uid>.
  const importedUidls = isInbox ? await store.pop3Uidls(user.id, info.id) : new Map<number, string>();
  const dir = join(root, folderDirName(info.name));
  for (const sub of ['', 'cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  if (!isInbox) writeDurably(join(dir, 'maildirfolder'), '');

  // Pass 1: which keywords are in use, and how often, so that the 26 letters go to the most used.
  const uses = new Map<string, number>();
  await eachChunk(store, user, info, uids, async (metas) => {
    for (const m of metas) for (const f of m.flags) if (!f.startsWith('\\')) uses.set(f, (uses.get(f) ?? 0) + 1);
  });
  const order = new Map(opened.keywords.map((k, i) => [k, i]));
  const ranked = [...uses.keys()].sort(
    (a, b) => uses.get(b)! - uses.get(a)! || (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || (a < b ? -1 : 1),
  );
  const kept = ranked.slice(0, MAX_KEYWORD_LETTERS);
  const keywordIndex = new Map(kept.map((k, i) => [k, i]));
  if (kept.length > 0) writeDurably(join(dir, 'dovecot-keywords'), keywordsFile(kept));

  // Pass 2: the messages, one at a time, and their uidlist records as they are written.
  const uidlistTmp = join(dir, 'dovecot-uidlist.postern-tmp');
  const uidlist = openSync(uidlistTmp, 'wx', 0o600);
  let lostMessages = 0;
  try {
    writeSync(uidlist, uidlistHeader(info.uidValidity, info.uidNext, mailboxGuid(info.objectId)));
    await eachChunk(store, user, info, uids, async (metas) => {
      for await (const { meta, bytes } of withBodies(store, user, info, metas)) {
        if (meta.flags.some((f) => !f.startsWith('\\') && !keywordIndex.has(f))) lostMessages += 1;
        const base = writeMessage(dir, meta, bytes, opts.host, keywordIndex, state);
        writeSync(uidlist, uidlistLine(meta.uid, base, isInbox ? (importedUidls.get(meta.uid) ?? uniqueId(info.uidValidity, meta.uid)) : undefined));
        state.done += 1;
        state.bytes += bytes.length;
        opts.onProgress?.({ mailbox: info.name, done: state.done, total: state.total });
      }
    });
    fsyncSync(uidlist);
  } finally {
    closeSync(uidlist);
  }
  renameSync(uidlistTmp, join(dir, 'dovecot-uidlist'));
  const droppedNames = ranked.slice(MAX_KEYWORD_LETTERS);
  return droppedNames.length > 0 ? { mailbox: info.name, keywords: droppedNames, messages: lostMessages } : null;
}

/** Writes one message: tmp/ first, synced, mtime = INTERNALDATE, then renamed into cur/ (maildir(5)). */
function writeMessage(
  dir: string,
  meta: MessageMeta,
  bytes: Buffer,
  host: string,
  keywordIndex: ReadonlyMap<string, number>,
  state: RunState,
): string {
  state.serial += 1;
  const seconds = Math.max(0, Math.floor(meta.internalDate.getTime() / 1000));
  const base = baseFileName({
    time: seconds,
    unique: `P${process.pid}Q${state.serial}R${state.nonce}`,
    host,
    size: bytes.length,
    vsize: virtualSize(bytes),
  });
  const tmp = join(dir, 'tmp', base);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // Dovecot's INTERNALDATE of a maildir message is its file's mtime.
  utimesSync(tmp, meta.internalDate, meta.internalDate);
  renameSync(tmp, join(dir, 'cur', `${base}:${infoFlags(meta.flags, keywordIndex)}`));
  return base;
}

async function eachChunk(
  store: Store,
  user: User,
  info: MailboxInfo,
  uids: readonly number[],
  fn: (metas: MessageMeta[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < uids.length; i += CHUNK) {
    const slice = uids.slice(i, i + CHUNK);
    const metas = await store.listMessages(user.id, info.id, [{ from: slice[0]!, to: slice[slice.length - 1]! }]);
    await fn(metas);
  }
}

/**
 * The chunk's messages with their bytes, read a few MiB at a time (Store.readMessages); a message expunged since
 * the snapshot is left out.
 */
async function* withBodies(
  store: Store,
  user: User,
  info: MailboxInfo,
  metas: readonly MessageMeta[],
): AsyncGenerator<{ meta: MessageMeta; bytes: Buffer }> {
  const byUid = new Map(metas.map((m) => [m.uid, m]));
  let rest = metas.map((m) => m.uid);
  while (rest.length > 0) {
    const read = await store.readMessages(user.id, info.id, rest, READ_BYTES);
    if (read.length === 0) return;
    const last = read[read.length - 1]!.uid;
    rest = rest.filter((uid) => uid > last);
    for (const { uid, prefix, body } of read) {
      yield { meta: byUid.get(uid)!, bytes: prefix.length === 0 ? body : Buffer.concat([prefix, body]) };
    }
  }
}

/** A new file (never one that exists, nor through a symbolic link), flushed to disk. */
function writeDurably(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'wx', flush: true });
}

/**
 * PATH must be new, or an empty directory of this user that nobody else may write to: an export never mixes with
 * mail already there, and nobody can plant a symbolic link in it for the export to write through (files are
 * created exclusively too). Returns whether PATH is still to be made (its parent is made now).
 */
function prepareRoot(root: string): boolean {
  let st: Stats;
  try {
    st = lstatSync(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(root), { recursive: true, mode: 0o700 });
    return true;
  }
  if (!st.isDirectory()) throw new ExportRefused(`${root} is not a directory (a file or a symbolic link): export into a new or empty directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new ExportRefused(`${root} belongs to another user: export into a new directory`);
  if ((st.mode & 0o022) !== 0) throw new ExportRefused(`${root} may be written by others (mode ${(st.mode & 0o777).toString(8)}): export into a new directory`);
  if (readdirSync(root).length > 0) throw new ExportRefused(`${root} is not empty: export into a new or empty directory`);
  return false;
}

function inboxFirst(a: MailboxInfo, b: MailboxInfo): number {
  const ai = a.name.toUpperCase() === 'INBOX';
  const bi = b.name.toUpperCase() === 'INBOX';
  if (ai !== bi) return ai ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
