// `postern check [--repair] [--integrity]` (SPEC R9.3): verifies every mailbox counter, UIDNEXT,
// HIGHESTMODSEQ and body reference count against the stored rows; exit status 1 when anything is wrong.
import { cliConfig, withStore } from './context.js';
import { UsageError, type CommandArgs } from './io.js';

export async function runCheck({ positionals, values, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const config = cliConfig(io);
  const repair = values.repair === true;
  return withStore(config, async (store) => {
    const report = await store.check({ repair, integrity: values.integrity === true });
    const summary = `${report.mailboxes} mailboxes, ${report.messages} messages, ${report.bodies} bodies`;
    if (report.problems.length === 0) {
      io.stdout.write(`checked ${summary}: no problems\n`);
      return 0;
    }
    for (const problem of report.problems) io.stdout.write(`${problem}\n`);
    if (report.repaired) {
      io.stdout.write(`checked ${summary}: ${report.problems.length} problems found and repaired\n`);
      return 0;
    }
    io.stdout.write(`checked ${summary}: ${report.problems.length} problems (run \`postern check --repair\` to fix them)\n`);
    return 1;
  });
}
