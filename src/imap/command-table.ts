// The explicit IMAP command table (ARCHITECTURE.md): name → handler with the states it is valid in and
// when EXPUNGE responses may accompany it (RFC 3501 §7.4.1 as data, in one place).
import type { CommandSpec } from './context.js';
import type { CommandName } from './protocol/types.js';
import { append } from './commands/append.js';
import { authenticate } from './commands/authenticate.js';
import { capability, check, logout, noop } from './commands/capability.js';
import { close, unselect } from './commands/close.js';
import { copy, move } from './commands/copy.js';
import { expunge } from './commands/expunge.js';
import { fetch } from './commands/fetch.js';
import { enable, id } from './commands/id.js';
import { idle } from './commands/idle.js';
import { list, lsub, namespace } from './commands/list.js';
import { login } from './commands/login.js';
import { create, del, rename, subscribe, unsubscribe } from './commands/mailboxes.js';
import { search } from './commands/search.js';
import { examine, select } from './commands/select.js';
import { starttls } from './commands/starttls.js';
import { status } from './commands/status.js';
import { storeFlags } from './commands/store-flags.js';

export const COMMANDS: { [N in CommandName]: CommandSpec<N> } = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  AUTHENTICATE: authenticate,
  LOGIN: login,
  ID: id,
  ENABLE: enable,
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
  FETCH: fetch,
  STORE: storeFlags,
  COPY: copy,
  MOVE: move,
};
