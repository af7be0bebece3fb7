// The POP3 command table (ARCHITECTURE.md "An explicit command table"): verb → states, TLS policy and
// handler, RFC 1939 §3's state rules as data in one place.
import { auth } from './commands/auth.js';
import { capa } from './commands/capa.js';
import { dele } from './commands/dele.js';
import { list } from './commands/list.js';
import { noop } from './commands/noop.js';
import { pass } from './commands/pass.js';
import { quit } from './commands/quit.js';
import { retr } from './commands/retr.js';
import { rset } from './commands/rset.js';
import { stat } from './commands/stat.js';
import { stls } from './commands/stls.js';
import { top } from './commands/top.js';
import { uidl } from './commands/uidl.js';
import { user } from './commands/user.js';
import { utf8 } from './commands/utf8.js';
import type { CommandSpec, Outcome, Pop3Context } from './context.js';
import type { Pop3Command, Pop3Verb } from './protocol/parse.js';

type CommandTable = { readonly [V in Pop3Verb]: CommandSpec<V> };

export const COMMANDS: CommandTable = {
  USER: user,
  PASS: pass,
  AUTH: auth,
  STAT: stat,
  LIST: list,
  RETR: retr,
  DELE: dele,
  NOOP: noop,
  RSET: rset,
  TOP: top,
  UIDL: uidl,
  QUIT: quit,
  CAPA: capa,
  STLS: stls,
  UTF8: utf8,
};

/** The table row of a command, typed for that command's arguments. */
export function specOf<V extends Pop3Verb>(cmd: Extract<Pop3Command, { verb: V }>): CommandSpec<V> {
  return COMMANDS[cmd.verb as V];
}

/** Runs a command through its row (the dispatcher has checked states and TLS policy). */
export function runSpec<V extends Pop3Verb>(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: V }>): Outcome | Promise<Outcome> {
  return specOf<V>(cmd).run(ctx, cmd);
}
