// The verify step of `postern migrate-store` (issue 18 item 5): compares the target store with the source, user by
// user. `postern import`'s verify (verify-import.ts over store-source.ts) compares mailboxes, UIDVALIDITY, UIDNEXT,
// message counts, sizes, SHA-256 of the served bytes, UIDs, flags and keywords, INTERNALDATE and REQUIRETLS; this
// file adds what only a Postern source has: credentials, quota, disabled, special use, \Noselect names, the
// subscriptions, and per message the INTERNALDATE zone, TLS-Required: No, the trace prefix's length, the forged-
// field count and removed-field record (SPEC R2.2) and the POP3 UIDL served (RFC 1939 §7). Says plainly what differs.
import { verifyImport } from '../import/verify-import.js';
import { uniqueId } from '../pop3/maildrop.js';
import type { Store } from '../store/store.js';
import type { MailboxInfo, MessageMeta, User, UserWithCredentials } from '../store/types.js';
import { storeSource } from './store-source.js';

export interface StoreVerifyReport {
  users: number;
  mailboxes: number;
  messages: number;
  bytes: number;
  differences: string[];
}

const CHUNK = 256;
const MAX_LINES = 50;

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function compareUsers(from: UserWithCredentials, to: UserWithCredentials, out: (line: string) => void): void {
  if (JSON.stringify(from.credentials) !== JSON.stringify(to.credentials)) out(`${from.name}: stored credentials differ`);
  if (from.quotaBytes !== to.quotaBytes) out(`${from.name}: quota differs: source ${from.quotaBytes ?? 'none'}, target ${to.quotaBytes ?? 'none'}`);
  if (from.disabled !== to.disabled) out(`${from.name}: disabled differs: source ${yesNo(from.disabled)}, target ${yesNo(to.disabled)}`);
}

function sameSet(a: readonly string[], b: readonly string[]): string[] {
  const x = new Set(a);
  const y = new Set(b);
  return [...[...x].filter((n) => !y.has(n)).map((n) => `${n} (source only)`), ...[...y].filter((n) => !x.has(n)).map((n) => `${n} (target only)`)];
}

async function metas(store: Store, user: User, box: MailboxInfo, span: readonly number[]): Promise<Map<number, MessageMeta>> {
  const list = await store.listMessages(user.id, box.id, [{ from: span[0]!, to: span[span.length - 1]! }]);
  return new Map(list.map((m) => [m.uid, m]));
}

/** What verify-import does not compare, message by message (a message missing on one side it already reports). */
async function compareMessages(source: Store, target: Store, from: User, to: User, a: MailboxInfo, b: MailboxInfo, out: (line: string) => void): Promise<void> {
  const uids = await source.listUids(from.id, a.id);
  const uidlsA = await source.pop3Uidls(from.id, a.id);
  const uidlsB = await target.pop3Uidls(to.id, b.id);
  for (let i = 0; i < uids.length; i += CHUNK) {
    const span = uids.slice(i, i + CHUNK);
    const [ma, mb] = [await metas(source, from, a, span), await metas(target, to, b, span)];
    const [sa, sb] = [await source.messageStructures(from.id, a.id, span), await target.messageStructures(to.id, b.id, span)];
    for (const uid of span) {
      const x = ma.get(uid);
      const y = mb.get(uid);
      if (x === undefined || y === undefined) continue;
      const where = `${from.name} ${a.name} UID ${uid}`;
      if (x.internalZone !== y.internalZone) out(`${where}: INTERNALDATE zone differs: source ${x.internalZone}, target ${y.internalZone} minutes`);
      if (x.tlsRequiredNo !== y.tlsRequiredNo) out(`${where}: TLS-Required: No differs: source ${yesNo(x.tlsRequiredNo)}, target ${yesNo(y.tlsRequiredNo)}`);
      if (x.forgedFields !== y.forgedFields) out(`${where}: forged fields removed differ: source ${x.forgedFields}, target ${y.forgedFields}`);
      const pa = sa.get(uid)?.prefixLength;
      const pb = sb.get(uid)?.prefixLength;
      if (pa !== pb) out(`${where}: trace prefix differs: source ${pa} octets, target ${pb}`);
      const ra = JSON.stringify(await source.removedFields(from.id, a.id, uid));
      const rb = JSON.stringify(await target.removedFields(to.id, b.id, uid));
      if (ra !== rb) out(`${where}: removed-field record differs: source ${ra}, target ${rb}`);
      const ua = uidlsA.get(uid) ?? uniqueId(a.uidValidity, uid);
      const ub = uidlsB.get(uid) ?? uniqueId(b.uidValidity, uid);
      if (ua !== ub) out(`${where}: POP3 UIDL differs: source ${ua}, target ${ub}`);
    }
  }
}

async function verifyUser(source: Store, target: Store, user: User, report: StoreVerifyReport): Promise<void> {
  let lines = 0;
  const out = (line: string): void => {
    lines += 1;
    if (lines <= MAX_LINES) report.differences.push(line);
  };
  const from = (await source.findUser(user.name))!;
  const to = await target.findUser(user.name);
  if (to === null) {
    report.differences.push(`${user.name}: no such user in the target`);
    return;
  }
  compareUsers(from, to, out);
  const imported = await verifyImport(target, to, storeSource(source, from));
  for (const line of imported.differences) out(`${user.name} ${line.replace(/\bPostern\b/g, 'target')}`);
  report.mailboxes += imported.mailboxes;
  report.messages += imported.messages;
  report.bytes += imported.bytes;
  const boxesA = await source.listMailboxes(from.id);
  const boxesB = await target.listMailboxes(to.id);
  for (const d of sameSet(boxesA.map((b) => b.name), boxesB.map((b) => b.name))) out(`${user.name}: mailbox ${d}`);
  for (const d of sameSet(await source.listNoselect(from.id), await target.listNoselect(to.id))) out(`${user.name}: \\Noselect name ${d}`);
  for (const d of sameSet(await source.listSubscriptions(from.id), await target.listSubscriptions(to.id))) out(`${user.name}: subscription ${d}`);
  const byName = new Map(boxesB.map((b) => [b.name, b]));
  for (const a of boxesA) {
    const b = byName.get(a.name);
    if (b === undefined) continue;
    if (b.highestModseq < a.highestModseq) {
      out(`${user.name} ${a.name}: HIGHESTMODSEQ ${b.highestModseq} in the target, below the source's ${a.highestModseq} (RFC 7162: clients would miss changes)`);
    }
    if (a.specialUse !== b.specialUse) out(`${user.name} ${a.name}: special use differs: source ${a.specialUse ?? 'none'}, target ${b.specialUse ?? 'none'}`);
    await compareMessages(source, target, from, to, a, b, out);
  }
  if (lines > MAX_LINES) report.differences.push(`${user.name}: … and ${lines - MAX_LINES} more differences`);
  report.users += 1;
}

export async function verifyStore(source: Store, target: Store): Promise<StoreVerifyReport> {
  const report: StoreVerifyReport = { users: 0, mailboxes: 0, messages: 0, bytes: 0, differences: [] };
  const users = await source.listUsers();
  for (const user of users) await verifyUser(source, target, user, report);
  const names = new Set(users.map((u) => u.name.toLowerCase()));
  for (const u of await target.listUsers()) if (!names.has(u.name.toLowerCase())) report.differences.push(`${u.name}: a user of the target only`);
  return report;
}
