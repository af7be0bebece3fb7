// `postern who`, `postern kick USER`, `postern reload` (issue 16 items 5, 6): they ask the running `postern serve`
// through its admin socket (src/admin/protocol.ts). No server: a clear message and exit 69 (EX_UNAVAILABLE).
import { adminRequest, ServerNotRunningError } from '../admin/client.js';
import type { AdminRequest, AdminResponse } from '../admin/protocol.js';
import type { EndReason } from '../net/live-sessions.js';
import { cliConfig } from './context.js';
import { UsageError, type CliIo, type CommandArgs } from './io.js';

/** sysexits.h EX_UNAVAILABLE: the service the command needs is not there. */
export const EX_UNAVAILABLE = 69;

type Answer<K extends string> = Extract<AdminResponse, Record<K, unknown>>;

/** Sends the request; the answer, or an exit status once the reason is printed. */
async function ask(io: CliIo, request: AdminRequest): Promise<AdminResponse | number> {
  const config = cliConfig(io);
  try {
    const response = await adminRequest(config.admin.socket, request);
    if (!response.ok) {
      io.stderr.write(`postern ${request.op}: ${response.error}\n`);
      return 1;
    }
    return response;
  } catch (err) {
    if (!(err instanceof ServerNotRunningError)) throw err;
    io.stderr.write(`postern ${request.op}: ${err.message}\n`);
    return EX_UNAVAILABLE;
  }
}

export async function runWho({ positionals, values, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const response = await ask(io, { op: 'who' });
  if (typeof response === 'number') return response;
  const { sessions } = response as Answer<'sessions'>;
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    return 0;
  }
  const rows = [['USER', 'PROTO', 'ADDRESS', 'TLS', 'SINCE', 'SESSION']];
  for (const s of sessions) rows.push([s.user, s.protocol, s.remoteAddress, s.tls ? 'yes' : 'no', s.since, s.sid]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) io.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  return 0;
}

export async function runKick({ positionals, io }: CommandArgs): Promise<number> {
  const [user, ...extra] = positionals;
  if (user === undefined) throw new UsageError('missing user name');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const response = await ask(io, { op: 'kick', user, reason: 'kicked' });
  if (typeof response === 'number') return response;
  const { ended } = response as Answer<'ended'>;
  io.stdout.write(`${ended} session${ended === 1 ? '' : 's'} of ${user} ended\n`);
  return 0;
}

export async function runReload({ positionals, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const response = await ask(io, { op: 'reload' });
  if (typeof response === 'number') return response;
  const { applied, needsRestart } = response as Answer<'applied'>;
  io.stdout.write(`configuration reloaded; applied: ${applied.length > 0 ? applied.join(', ') : 'no changed settings'}\n`);
  if (needsRestart.length > 0) io.stdout.write(`needs a restart: ${needsRestart.join(', ')}\n`);
  return 0;
}

/**
 * Ends a user's sessions in the running server, if one runs (user disable, user delete). A server that is not
 * running has no sessions to end: that is not an error. How many ended, or null when no server answered.
 */
export async function endSessionsIfRunning(io: CliIo, user: string, reason: EndReason): Promise<number | null> {
  try {
    const response = await adminRequest(cliConfig(io).admin.socket, { op: 'kick', user, reason });
    if (!response.ok) throw new Error(response.error);
    return (response as Answer<'ended'>).ended;
  } catch (err) {
    if (err instanceof ServerNotRunningError) return null;
    throw err;
  }
}
