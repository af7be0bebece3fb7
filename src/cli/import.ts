// `postern import dovecot|maildir|mbox USER PATH [--mailbox NAME] [--no-verify]` (issue 16 item 1, SPEC R10.3):
// mail from Dovecot's Maildir (UIDVALIDITY, UIDs, UIDNEXT, flags, keywords, INTERNALDATE, POP3 UIDLs kept), a
// plain Maildir or mbox files, then a verify step. Exit 0 when everything matches, 1 when verify finds a
// difference (printed one a line) or a message could not be imported. Run it again to resume.
import { maildirSource } from '../import/maildir-source.js';
import { mboxSource } from '../import/mbox-source.js';
import { Progress } from '../import/progress.js';
import { runImport } from '../import/run-import.js';
import type { ImportSource } from '../import/source.js';
import { verifyImport } from '../import/verify-import.js';
import { cliConfig, requireUser, withStore } from './context.js';
import { formatBytes, UsageError, type CommandArgs } from './io.js';

const KINDS = ['dovecot', 'maildir', 'mbox'] as const;

async function openSource(kind: (typeof KINDS)[number], path: string, mailbox: string | undefined): Promise<ImportSource> {
  if (kind === 'mbox') return mboxSource(path, mailbox);
  return maildirSource(path, kind, mailbox ?? 'INBOX');
}

export async function runImportCommand({ positionals, values, io }: CommandArgs): Promise<number> {
  const [kind, name, path, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  if (kind === undefined || !(KINDS as readonly string[]).includes(kind)) throw new UsageError(`the source is one of ${KINDS.join(', ')}`);
  if (name === undefined || path === undefined) throw new UsageError('import needs the user name and the path of the source');
  const mailbox = typeof values.mailbox === 'string' ? values.mailbox : undefined;
  const config = cliConfig(io);
  return withStore(config, async (store) => {
    const user = await requireUser(store, name);
    const source = await openSource(kind as (typeof KINDS)[number], path, mailbox);
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    const report = await runImport(store, user, source, new Progress(io.stderr, tty));
    io.stdout.write(
      `imported ${report.imported} messages (${formatBytes(report.bytes)}) into ${report.mailboxes} mailboxes of ${user.name}; ` +
        `${report.skipped} were there already\n`,
    );
    for (const line of report.problems) io.stdout.write(`problem: ${line}\n`);
    if (values['no-verify'] === true) return report.problems.length === 0 ? 0 : 1;
    const verified = await verifyImport(store, user, source);
    for (const line of verified.differences) io.stdout.write(`differs: ${line}\n`);
    if (verified.differences.length === 0) {
      io.stdout.write(
        `verify: ${verified.messages} messages (${formatBytes(verified.bytes)}) in ${verified.mailboxes} mailboxes match the source: ` +
          'sizes, SHA-256, UIDs, flags, keywords, INTERNALDATE\n',
      );
    } else io.stdout.write(`verify: FAILED, ${verified.differences.length} differences (listed above)\n`);
    return verified.differences.length === 0 && report.problems.length === 0 ? 0 : 1;
  });
}
