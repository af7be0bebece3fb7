// The verify step of `postern import` (issue 16 item 1): reads the source again and compares every message with
// what Postern serves: presence, size, SHA-256 of the bytes, UID (and the mailbox's UIDVALIDITY and UIDNEXT when
// the source has them), flags and keywords, INTERNALDATE (whole seconds), REQUIRETLS when the source knows it
// (migrate-store, issue 18 item 5). Says plainly what differs.
// Bounded memory with UIDs (chunks of 256 messages); without them, one checksum per stored message.
import type { Store } from '../store/store.js';
import type { MailboxInfo, MessageMeta, User } from '../store/types.js';
import { sha256 } from './run-import.js';
import type { ImportSource, SourceMailbox, SourceMessage } from './source.js';

export interface VerifyReport {
  mailboxes: number;
  messages: number;
  bytes: number;
  /** One line per difference (at most MAX_LINES per mailbox, then a count). */
  differences: string[];
}

const MAX_LINES = 50;
const CHUNK = 256;

interface Stored {
  meta: MessageMeta;
  sum: string;
  size: number;
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].map((f) => (f.startsWith('\\') ? f.toLowerCase() : f)).sort();
  const y = [...b].filter((f) => f !== '\\Recent').map((f) => (f.startsWith('\\') ? f.toLowerCase() : f)).sort();
  return x.length === y.length && x.every((f, i) => f === y[i]);
}

function compare(where: string, m: SourceMessage, raw: Buffer, s: Stored, out: (line: string) => void): void {
  if (raw.length !== s.size) out(`${where}: size differs: source ${raw.length} octets, Postern ${s.size}`);
  else if (sha256(raw) !== s.sum) out(`${where}: content differs (SHA-256 source ${sha256(raw).slice(0, 16)}…, Postern ${s.sum.slice(0, 16)}…)`);
  if (m.servedSize !== undefined && m.servedSize !== raw.length) {
    out(`${where}: the source's file name says ${m.servedSize} octets, the file has ${raw.length} (damaged file?)`);
  }
  if (m.requireTls !== undefined && m.requireTls !== s.meta.requireTls) {
    out(`${where}: REQUIRETLS differs: source ${m.requireTls ? 'yes' : 'no'}, Postern ${s.meta.requireTls ? 'yes' : 'no'}`);
  }
  if (!sameFlags(m.flags, s.meta.flags)) out(`${where}: flags differ: source (${m.flags.join(' ')}), Postern (${s.meta.flags.join(' ')})`);
  const a = Math.floor(m.internalDate.getTime() / 1000);
  const b = Math.floor(s.meta.internalDate.getTime() / 1000);
  if (a !== b) out(`${where}: INTERNALDATE differs: source ${m.internalDate.toISOString()}, Postern ${s.meta.internalDate.toISOString()}`);
}

async function readStored(store: Store, user: User, box: MailboxInfo, metas: MessageMeta[]): Promise<Map<number, Stored>> {
  const out = new Map<number, Stored>();
  const byUid = new Map(metas.map((m) => [m.uid, m]));
  let uids = metas.map((m) => m.uid);
  while (uids.length > 0) {
    const got = await store.readMessages(user.id, box.id, uids, 8 * 1024 * 1024);
    if (got.length === 0) break;
    for (const g of got) {
      const bytes = Buffer.concat([g.prefix, g.body]);
      out.set(g.uid, { meta: byUid.get(g.uid)!, sum: sha256(bytes), size: bytes.length });
    }
    const last = got[got.length - 1]!.uid;
    uids = uids.filter((u) => u > last);
  }
  return out;
}

/** A source message's bytes, or null after saying it cannot be read (a symbolic link, gone: safe-read.ts). */
async function readSource(m: SourceMessage, what: string, out: (line: string) => void): Promise<Buffer | null> {
  try {
    return await m.read();
  } catch (err) {
    out(`${what}: the source cannot be read (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
}

async function verifyWithUids(store: Store, user: User, box: MailboxInfo, source: SourceMailbox, out: (line: string) => void): Promise<{ n: number; bytes: number }> {
  if (box.uidValidity !== source.uidValidity) out(`${box.name}: UIDVALIDITY differs: source ${source.uidValidity}, Postern ${box.uidValidity}`);
  let n = 0;
  let bytes = 0;
  let pending: SourceMessage[] = [];
  const check = async (): Promise<void> => {
    if (pending.length === 0) return;
    const ranges = pending.map((m) => ({ from: m.uid, to: m.uid }));
    const stored = await readStored(store, user, box, await store.listMessages(user.id, box.id, ranges));
    for (const m of pending) {
      const raw = await readSource(m, `${box.name} UID ${m.uid}`, out);
      if (raw === null) continue;
      bytes += raw.length;
      const s = stored.get(m.uid);
      if (s === undefined) out(`${box.name} UID ${m.uid}: missing in Postern (source ${m.where})`);
      else compare(`${box.name} UID ${m.uid}`, m, raw, s, out);
    }
    pending = [];
  };
  for await (const m of source.messages()) {
    n += 1;
    pending.push(m);
    if (pending.length >= CHUNK) await check();
  }
  await check();
  const next = source.uidNext();
  const now = await store.getMailbox(user.id, box.name);
  if (next !== undefined && now.uidNext < next) out(`${box.name}: UIDNEXT differs: source ${next}, Postern ${now.uidNext}`);
  if (now.messages !== n) out(`${box.name}: ${now.messages} messages in Postern, ${n} in the source`);
  return { n, bytes };
}

async function verifyByContent(store: Store, user: User, box: MailboxInfo, source: SourceMailbox, out: (line: string) => void): Promise<{ n: number; bytes: number }> {
  const held = new Map<string, Stored[]>();
  const uids = await store.listUids(user.id, box.id);
  for (let i = 0; i < uids.length; i += CHUNK) {
    const span = uids.slice(i, i + CHUNK);
    const stored = await readStored(store, user, box, await store.listMessages(user.id, box.id, [{ from: span[0]!, to: span[span.length - 1]! }]));
    for (const s of stored.values()) held.set(s.sum, [...(held.get(s.sum) ?? []), s]);
  }
  let n = 0;
  let bytes = 0;
  for await (const m of source.messages()) {
    n += 1;
    const raw = await readSource(m, `${box.name}: ${m.where}`, out);
    if (raw === null) continue;
    bytes += raw.length;
    const sum = sha256(raw);
    const candidates = held.get(sum) ?? [];
    const s = candidates.shift();
    if (s === undefined) out(`${box.name}: ${m.where} (${raw.length} octets): no message with its content in Postern`);
    else compare(`${box.name} UID ${s.meta.uid} (${m.where})`, m, raw, s, out);
  }
  return { n, bytes };
}

export async function verifyImport(store: Store, user: User, source: ImportSource): Promise<VerifyReport> {
  const report: VerifyReport = { mailboxes: 0, messages: 0, bytes: 0, differences: [] };
  for (const mailbox of await source.mailboxes()) {
    let lines = 0;
    const out = (line: string): void => {
      lines += 1;
      if (lines <= MAX_LINES) report.differences.push(line);
    };
    let box: MailboxInfo;
    try {
      box = await store.getMailbox(user.id, mailbox.name);
    } catch {
      report.differences.push(`${mailbox.name}: no such mailbox in Postern`);
      continue;
    }
    const { n, bytes } =
      mailbox.uidValidity === undefined ? await verifyByContent(store, user, box, mailbox, out) : await verifyWithUids(store, user, box, mailbox, out);
    if (lines > MAX_LINES) report.differences.push(`${mailbox.name}: … and ${lines - MAX_LINES} more differences`);
    report.mailboxes += 1;
    report.messages += n;
    report.bytes += bytes;
  }
  const subscribed = new Set(await store.listSubscriptions(user.id));
  for (const name of await source.subscriptions()) {
    if (!subscribed.has(name)) report.differences.push(`${name}: subscribed in the source, not in Postern`);
  }
  return report;
}
