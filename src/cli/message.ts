// `postern message show NAME MAILBOX UID [--body] [--json]` (issue 16 item 7; SPEC R2.1, R2.2, R3.4, R10.3): what
// Postern knows of one stored message — the Authentication-Results it stamped (RFC 8601), the REQUIRETLS flag
// (RFC 8689), the fields removed at delivery (R2.2), flags, keywords, INTERNALDATE, size and the header block.
// The body only with --body; never anything of the user's credentials.
import { parseAuthservId, sameAuthservId } from '../delivery/authentication-results.js';
import { fieldValue, parseHeaderBlock } from '../delivery/header-block.js';
import { isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { MessageMeta, RemovedFieldRecord } from '../store/types.js';
import { cliConfig, withStore } from './context.js';
import { EX_DATAERR, EX_NOUSER, ExitError, formatBytes, UsageError, type CommandArgs } from './io.js';

const READ_CHUNK = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export interface MessageView {
  user: string;
  mailbox: string;
  uid: number;
  internalDate: string;
  /** The zone INTERNALDATE is written in, as +hhmm. */
  internalZone: string;
  size: number;
  flags: string[];
  keywords: string[];
  requireTls: boolean;
  tlsRequiredNo: boolean;
  /** The Authentication-Results fields naming our authserv-id: the ones Postern stamped (R2.1). */
  authenticationResults: string[];
  /** How many forged fields were removed at delivery (R2.2). */
  forgedFieldsRemoved: number;
  /** The removed fields themselves; null when not recorded (stored before this was kept). */
  removedFields: RemovedFieldRecord[] | null;
  /** The header block as served (trace fields first), without the blank line. */
  header: string;
  body?: string;
}

export async function runMessage({ positionals, values, io }: CommandArgs): Promise<number> {
  const [action, name, mailbox, uidText, ...extra] = positionals;
  if (action !== 'show') throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  if (name === undefined || mailbox === undefined || uidText === undefined) throw new UsageError('message show needs NAME MAILBOX UID');
  if (!/^[1-9][0-9]{0,9}$/.test(uidText) || Number(uidText) > 0xffffffff) throw new UsageError(`not a UID: "${uidText}"`);
  const uid = Number(uidText);
  const config = cliConfig(io);
  return withStore(config, async (store) => {
    const user = await store.findUser(name);
    if (!user) throw new ExitError(EX_NOUSER, `no such user: ${name}`);
    const box = await store.getMailbox(user.id, mailbox).catch((err: unknown) => {
      if (isStoreError(err) && err.kind === 'not-found') throw new ExitError(EX_DATAERR, `no mailbox ${mailbox} of ${user.name}`);
      throw err;
    });
    const [meta] = await store.listMessages(user.id, box.id, [{ from: uid, to: uid }]);
    if (!meta) throw new ExitError(EX_DATAERR, `no message with UID ${uid} in ${box.name} of ${user.name}`);
    const { header, bodyStart } = await readHeader(store, user.id, box.id, meta);
    const view = viewOf(user.name, box.name, meta, header, config.authservId, await store.removedFields(user.id, box.id, uid));
    const body = values.body === true ? await readRange(store, user.id, box.id, uid, bodyStart, meta.size - bodyStart) : null;
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(body === null ? view : { ...view, body: body.toString('utf8') }, null, 2)}\n`);
    } else {
      io.stdout.write(formatView(view));
      if (body !== null) {
        io.stdout.write('body:\n');
        io.stdout.write(body);
      }
    }
    return 0;
  });
}

async function readRange(store: Pick<Store, 'readMessage'>, userId: number, mailboxId: number, uid: number, offset: number, length: number): Promise<Buffer> {
  return length <= 0 ? Buffer.alloc(0) : store.readMessage(userId, mailboxId, uid, { offset, length });
}

/** The header block (up to the blank line, which may straddle two chunks) read in chunks, so a large message is not read whole. */
export async function readHeader(
  store: Pick<Store, 'readMessage'>,
  userId: number,
  mailboxId: number,
  meta: Pick<MessageMeta, 'uid' | 'size'>,
): Promise<{ header: Buffer; bodyStart: number }> {
  let head = Buffer.alloc(0);
  while (head.length < meta.size) {
    const chunk = await readRange(store, userId, mailboxId, meta.uid, head.length, Math.min(READ_CHUNK, meta.size - head.length));
    if (chunk.length === 0) break;
    const from = Math.max(0, head.length - 3);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf(CRLFCRLF, from);
    if (end >= 0) return { header: head.subarray(0, end + 2), bodyStart: end + 4 };
  }
  return { header: head, bodyStart: head.length }; // no body: the whole message is header
}

function zoneText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

export function viewOf(
  user: string,
  mailbox: string,
  meta: MessageMeta,
  header: Buffer,
  authservId: string,
  removedFields: RemovedFieldRecord[] | null,
): MessageView {
  const block = parseHeaderBlock(Buffer.concat([header, Buffer.from('\r\n')]), { maxHeaderBytes: header.length + 2, maxFields: Number.MAX_SAFE_INTEGER });
  const stamped = block.fields
    .filter((f) => f.lowerName === 'authentication-results')
    .map((f) => fieldValue(f).trim())
    .filter((value) => {
      const parsed = parseAuthservId(value);
      return !('error' in parsed) && sameAuthservId(parsed.authservId, authservId);
    });
  return {
    user,
    mailbox,
    uid: meta.uid,
    internalDate: meta.internalDate.toISOString(),
    internalZone: zoneText(meta.internalZone),
    size: meta.size,
    flags: meta.flags.filter((f) => f.startsWith('\\')),
    keywords: meta.flags.filter((f) => !f.startsWith('\\')),
    requireTls: meta.requireTls,
    tlsRequiredNo: meta.tlsRequiredNo,
    authenticationResults: stamped,
    forgedFieldsRemoved: meta.forgedFields,
    removedFields,
    header: header.toString('utf8'),
  };
}

export function formatView(v: MessageView): string {
  const lines = [
    `user: ${v.user}`,
    `mailbox: ${v.mailbox}`,
    `uid: ${v.uid}`,
    `internal date: ${v.internalDate} (zone ${v.internalZone})`,
    `size: ${v.size} (${formatBytes(v.size)})`,
    `flags: ${v.flags.join(' ') || '(none)'}`,
    `keywords: ${v.keywords.join(' ') || '(none)'}`,
    `REQUIRETLS: ${v.requireTls ? 'yes' : 'no'}${v.tlsRequiredNo ? ' (TLS-Required: No)' : ''}`,
    ...(v.authenticationResults.length === 0
      ? ['authentication-results: (none stamped)']
      : v.authenticationResults.map((ar) => `authentication-results: ${ar}`)),
    `forged fields removed: ${v.forgedFieldsRemoved}`,
  ];
  if (v.removedFields === null) lines.push('removed fields: unknown (stored before Postern kept them)');
  else if (v.removedFields.length === 0) lines.push('removed fields: none');
  else for (const r of v.removedFields) lines.push(`removed field (${r.reason}, claimed ${r.claimedId || '?'}): ${r.name}: ${r.value}`);
  lines.push('header:');
  return `${lines.join('\n')}\n${v.header.replace(/\r\n/g, '\n')}\n`;
}
