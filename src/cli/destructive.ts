// Confirmation and audit of destructive commands (issue 16 item 7; SPEC R10.3, R10.4): `user delete` and `mailbox
// delete` of a mailbox with mail in it ask on a terminal, take --yes, and refuse when standard input is not a
// terminal and no --yes was given; every deletion leaves an audit line (pino, event "audit") on the CLI's log.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { createLogger } from '../log/logger.js';
import type { CliIo } from './io.js';

/**
 * Asks before `what` (e.g. `delete user alice and all their mail (3 messages)`) unless `yes`; throws when refused
 * or when it cannot ask (standard input is not a terminal): nothing is deleted then.
 */
export async function confirmDestructive(io: CliIo, yes: boolean, what: string): Promise<void> {
  if (yes) return;
  if (io.stdin.isTTY !== true) {
    throw new Error(`refusing to ${what} without confirmation: standard input is not a terminal (add --yes to confirm)`);
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  try {
    const answer = await rl.question(`${what}? [y/N] `);
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw new Error('not confirmed: nothing deleted');
  } finally {
    rl.close();
  }
}

/** Who runs the command: the OS user (its uid when the account has no name). */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/**
 * Writes one audit line to the CLI's log, standard error (standard output is the command's answer, which may be
 * JSON): `{"event":"audit","who":"root","what":"user delete","target":{...}}`, whatever log.level says.
 */
export function audit(io: CliIo, what: string, target: Record<string, string | number>): void {
  const logger = createLogger({ level: 'info', destination: io.stderr });
  logger.info({ event: 'audit', who: osUser(), what, target }, what);
}
