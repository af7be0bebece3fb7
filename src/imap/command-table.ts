// The explicit IMAP command table (ARCHITECTURE.md): name → handler with the states it is valid in and
// when EXPUNGE responses may accompany it (RFC 3501 §7.4.1 as data, in one place), and which of its arguments
// name mailboxes (SPEC R3.4: the dispatcher refuses a command naming a protected mailbox without TLS).
import type { CommandSpec } from './context.js';
import type { Command, CommandName } from './protocol/types.js';
import { append } from './commands/append.js';
import { authenticate } from './commands/authenticate.js';
import { cancelUpdate } from './commands/cancel-update.js';
import { capability, check, logout, noop } from './commands/capability.js';
import { close, unselect } from './commands/close.js';
import { compress } from './commands/compress.js';
import { copy, move } from './commands/copy.js';
import { expunge } from './commands/expunge.js';
import { fetch } from './commands/fetch.js';
import { enable, id } from './commands/id.js';
import { idle } from './commands/idle.js';
import { list, lsub, namespace } from './commands/list.js';
import { login } from './commands/login.js';
import { create, del, rename, subscribe, unsubscribe } from './commands/mailboxes.js';
import { getQuota, getQuotaRoot, setQuota } from './commands/quota.js';
import { search } from './commands/search.js';
import { sort } from './commands/sort.js';
import { examine, select } from './commands/select.js';
import { starttls } from './commands/starttls.js';
import { status } from './commands/status.js';
import { storeFlags } from './commands/store-flags.js';
import { thread } from './commands/thread.js';

export const COMMANDS: { [N in CommandName]: CommandSpec<N> } = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  AUTHENTICATE: authenticate,
  LOGIN: login,
  ID: id,
  ENABLE: enable,
  COMPRESS: compress,
  SELECT: select,
  EXAMINE: examine,
  CREATE: create,
  DELETE: del,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  LIST: list,
  LSUB: lsub,
  NAMESPACE: namespace,
  STATUS: status,
  APPEND: append,
  IDLE: idle,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  SEARCH: search,
  CANCELUPDATE: cancelUpdate,
  SORT: sort,
  THREAD: thread,
  FETCH: fetch,
  STORE: storeFlags,
  COPY: copy,
  MOVE: move,
  GETQUOTA: getQuota,
  GETQUOTAROOT: getQuotaRoot,
  SETQUOTA: setQuota,
};

/** The parsed form of command N (a member of the Command union whose name includes N). */
type Args<N extends CommandName> = Command extends infer C ? (C extends { name: infer M } ? (N extends M ? C & { name: N } : never) : never) : never;

/**
 * The mailboxes a command names. Every command must say (a mapped type over all of them), and a command whose
 * arguments hold a mailbox name (`mailbox`, `from`/`to`) must list them: adding one without is a compile error.
 */
type MailboxArguments<N extends CommandName> =
  [Args<N>] extends [{ mailbox: string } | { from: string; to: string }] ? (cmd: Args<N>) => readonly string[] : 'none';

// R3.4: the names the dispatcher's privacy gate checks (imap/privacy.ts); both ends of COPY/MOVE, since the source
// is the selected mailbox, which the gate checks for every command.
export const MAILBOX_ARGUMENTS: { [N in CommandName]: MailboxArguments<N> } = {
  CAPABILITY: 'none',
  NOOP: 'none',
  LOGOUT: 'none',
  STARTTLS: 'none',
  AUTHENTICATE: 'none',
  LOGIN: 'none',
  ID: 'none',
  ENABLE: 'none',
  COMPRESS: 'none',
  SELECT: (c) => [c.mailbox],
  EXAMINE: (c) => [c.mailbox],
  CREATE: (c) => [c.mailbox],
  DELETE: (c) => [c.mailbox],
  RENAME: (c) => [c.from, c.to],
  SUBSCRIBE: (c) => [c.mailbox],
  UNSUBSCRIBE: (c) => [c.mailbox],
  LIST: 'none', // patterns, not names; LIST RETURN (STATUS) is not offered (LIST-STATUS comes later)
  LSUB: 'none',
  NAMESPACE: 'none',
  STATUS: (c) => [c.mailbox],
  APPEND: (c) => [c.mailbox],
  IDLE: 'none',
  CHECK: 'none',
  CLOSE: 'none',
  UNSELECT: 'none',
  EXPUNGE: 'none',
  SEARCH: 'none',
  CANCELUPDATE: 'none',
  SORT: 'none',
  THREAD: 'none',
  FETCH: 'none',
  STORE: 'none',
  COPY: (c) => [c.mailbox],
  MOVE: (c) => [c.mailbox],
  GETQUOTA: 'none',
  GETQUOTAROOT: (c) => [c.mailbox],
  SETQUOTA: 'none',
};

/** The mailbox names in a parsed command (R3.4). */
export function mailboxesNamedBy(command: Command): readonly string[] {
  const of = MAILBOX_ARGUMENTS[command.name] as ((cmd: Command) => readonly string[]) | 'none';
  return of === 'none' ? [] : of(command);
}
