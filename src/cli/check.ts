// `postern check [--repair] [--integrity] [--json]` (SPEC R9.3): verifies every mailbox counter, UIDNEXT,
// HIGHESTMODSEQ and body reference count against the stored rows, and that no file holding mail, credentials or
// keys is open to other users (issue 12 hole 16); exit status 1 when anything is wrong.
import { privatePaths } from '../files/at-rest.js';
import { describeWideMode, findWideModes, tightenModes } from '../files/private-files.js';
import { cliConfig, withSqliteStore } from './context.js';
import { UsageError, type CommandArgs } from './io.js';

export async function runCheck({ positionals, values, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const config = cliConfig(io);
  const repair = values.repair === true;
  return withSqliteStore(config, 'check', async (store) => {
    const report = await store.check({ repair, integrity: values.integrity === true });
    const wide = findWideModes(privatePaths(config));
    if (repair) tightenModes(wide);
    const problems = [...report.problems, ...wide.map(describeWideMode)];
    const fixed = repair && (report.problems.length === 0 || report.repaired);
    if (values.json === true) {
      // issue 16 item 7: one JSON document; the exit status as for the text
      const doc = { mailboxes: report.mailboxes, messages: report.messages, bodies: report.bodies, problems, repaired: problems.length > 0 && fixed };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return problems.length === 0 || fixed ? 0 : 1;
    }
    const summary = `${report.mailboxes} mailboxes, ${report.messages} messages, ${report.bodies} bodies`;
    if (problems.length === 0) {
      io.stdout.write(`checked ${summary} and file modes: no problems\n`);
      return 0;
    }
    for (const problem of problems) io.stdout.write(`${problem}\n`);
    if (fixed) {
      io.stdout.write(`checked ${summary} and file modes: ${problems.length} problems found and repaired\n`);
      return 0;
    }
    io.stdout.write(`checked ${summary} and file modes: ${problems.length} problems (run \`postern check --repair\` to fix them)\n`);
    return 1;
  });
}
