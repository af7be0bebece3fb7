// `postern export maildir USER PATH` (issue 16 item 2, SPEC R10.3): a user's mail as a Maildir++ tree that Dovecot
// reads with the same UIDs, flags, keywords and POP3 UIDLs. PATH must be new or empty; progress on a terminal.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ExportRefused, exportMaildir, type ExportProgress } from '../export/maildir-export.js';
import { cliConfig, requireUser, withStore } from './context.js';
import { formatBytes, UsageError, type CommandArgs } from './io.js';

export async function runExport({ positionals, io }: CommandArgs): Promise<number> {
  const [format, name, path, ...extra] = positionals;
  if (format !== 'maildir') throw new UsageError(format === undefined ? 'missing format (maildir)' : `unknown format "${format}"`);
  if (name === undefined) throw new UsageError('missing user name');
  if (path === undefined) throw new UsageError('missing PATH (a new or empty directory)');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const config = cliConfig(io);
  const root = resolve(path);
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let last = 0;
  const onProgress = tty
    ? (p: ExportProgress): void => {
        const now = Date.now();
        if (now - last < 200 && p.done !== p.total) return;
        last = now;
        io.stderr.write(`\r${p.done}/${p.total} messages  ${p.mailbox}\x1b[K`);
      }
    : undefined;
  return withStore(config, async (store) => {
    const user = await requireUser(store, name);
    let summary;
    try {
      summary = await exportMaildir(store, user, root, { host: config.hostname ?? hostname(), onProgress });
    } catch (err) {
      if (err instanceof ExportRefused) {
        io.stderr.write(`postern export: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      if (tty) io.stderr.write('\r\x1b[K');
    }
    io.stdout.write(
      `exported ${summary.messages} messages (${formatBytes(summary.bytes)}) in ${summary.mailboxes} mailboxes of ${user.name} to ${root}\n`,
    );
    for (const d of summary.dropped) {
      io.stderr.write(
        `warning: ${d.mailbox}: Maildir++ keeps at most 26 keywords per mailbox; not exported: ${d.keywords.join(' ')} ` +
          `(${d.messages} messages lose one or more)\n`,
      );
    }
    return 0;
  });
}
