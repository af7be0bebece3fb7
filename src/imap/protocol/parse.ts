// The IMAP command parser (RFC 9051 §6 and §9, RFC 3501 §6, and the extensions of SPEC R7.2): one command's
// exact wire bytes (literals included, final CRLF excluded) → a TaggedCommand, or a ProtocolError for BAD.
import { peekTag } from './literal.js';
import { parseAppend } from './parse/append.js';
import { parseAuthenticate } from './parse/authenticate.js';
import { parseCancelUpdate } from './parse/cancel-update.js';
import { parseCompress } from './parse/compress.js';
import { parseCopy } from './parse/copy.js';
import { parseCreate } from './parse/create.js';
import { parseDelete } from './parse/delete.js';
import { parseEnable } from './parse/enable.js';
import { parseExpunge } from './parse/expunge.js';
import { parseFetch } from './parse/fetch.js';
import { parseId } from './parse/id.js';
import { parseList } from './parse/list.js';
import { parseLogin } from './parse/login.js';
import { parseLsub } from './parse/lsub.js';
import { parseRename } from './parse/rename.js';
import { parseSearch } from './parse/search.js';
import { parseGetQuota, parseGetQuotaRoot, parseSetQuota } from './parse/quota.js';
import { parseSelect } from './parse/select.js';
import { parseSimple, SIMPLE_COMMANDS } from './parse/simple.js';
import { parseStatus } from './parse/status.js';
import { parseStore } from './parse/store.js';
import { parseSort } from './parse/sort.js';
import { parseSubscribe } from './parse/subscribe.js';
import { parseThread } from './parse/thread.js';
import { Reader } from './reader.js';
import { ProtocolError, type Command, type TaggedCommand } from './types.js';

export interface ParseOptions {
  /** RFC 6855: UTF8=ACCEPT is enabled — UTF-8 quoted strings and mailbox names. */
  utf8Accept: boolean;
}

type CommandParser = (r: Reader) => Command;

/** Every command of the union, by its upper-cased name. */
const COMMANDS = new Map<string, CommandParser>([
  ...SIMPLE_COMMANDS.map((name): [string, CommandParser] => [name, () => parseSimple(name)]),
  ['AUTHENTICATE', parseAuthenticate],
  ['LOGIN', parseLogin],
  ['ID', parseId],
  ['ENABLE', parseEnable],
  ['COMPRESS', parseCompress],
  ['SELECT', (r) => parseSelect(r, 'SELECT')],
  ['EXAMINE', (r) => parseSelect(r, 'EXAMINE')],
  ['CREATE', parseCreate],
  ['DELETE', parseDelete],
  ['RENAME', parseRename],
  ['SUBSCRIBE', (r) => parseSubscribe(r, 'SUBSCRIBE')],
  ['UNSUBSCRIBE', (r) => parseSubscribe(r, 'UNSUBSCRIBE')],
  ['LIST', parseList],
  ['LSUB', parseLsub],
  ['STATUS', parseStatus],
  ['APPEND', parseAppend],
  ['EXPUNGE', (r) => parseExpunge(r, false)],
  ['SEARCH', (r) => parseSearch(r, false)],
  ['CANCELUPDATE', parseCancelUpdate],
  ['SORT', (r) => parseSort(r, false)],
  ['THREAD', (r) => parseThread(r, false)],
  ['FETCH', (r) => parseFetch(r, false)],
  ['STORE', (r) => parseStore(r, false)],
  ['COPY', (r) => parseCopy(r, 'COPY', false)],
  ['MOVE', (r) => parseCopy(r, 'MOVE', false)],
  ['GETQUOTA', parseGetQuota],
  ['GETQUOTAROOT', parseGetQuotaRoot],
  ['SETQUOTA', parseSetQuota],
]);

/** uid = "UID" SP ("COPY" / "MOVE" / "FETCH" / "SEARCH" / "STORE" / "EXPUNGE" / "SORT" / "THREAD") ... (RFC 9051 §6.4.9, RFC 5256 §4). */
const UID_COMMANDS = new Map<string, CommandParser>([
  ['EXPUNGE', (r) => parseExpunge(r, true)],
  ['SEARCH', (r) => parseSearch(r, true)],
  ['SORT', (r) => parseSort(r, true)],
  ['THREAD', (r) => parseThread(r, true)],
  ['FETCH', (r) => parseFetch(r, true)],
  ['STORE', (r) => parseStore(r, true)],
  ['COPY', (r) => parseCopy(r, 'COPY', true)],
  ['MOVE', (r) => parseCopy(r, 'MOVE', true)],
]);

/** RFC 9051 §9 command = tag SP (command-any / command-auth / command-nonauth / command-select). */
export function parseCommand(bytes: Buffer, opts: ParseOptions): TaggedCommand {
  const tag = peekTag(bytes);
  if (tag === null) throw new ProtocolError('Missing or invalid tag', null);
  const r = new Reader(bytes, tag, opts.utf8Accept);
  r.pos = tag.length;
  r.sp();
  let name = r.keyword('command name');
  let parser = COMMANDS.get(name);
  if (name === 'UID') {
    r.sp();
    name = r.keyword('UID command');
    parser = UID_COMMANDS.get(name) ?? r.fail(`UID ${name.slice(0, 40)} is not a UID command`);
  }
  if (!parser) return r.unknown('command', name);
  const command = parser(r);
  r.end();
  return { tag, command };
}
