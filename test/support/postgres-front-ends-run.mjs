// `npm test`'s second run (issue 18 item 4): the IMAP, POP3 and LMTP integration suites again, on two front ends
// over one PostgreSQL database (POSTERN_TEST_STORE=postgres, test/support/server.ts). Without Debian's
// `postgresql` installed it says so and skips, as the PostgreSQL store's own tests do.
import { spawnSync } from 'node:child_process';
import { findPgBin } from '../../bench/lib/pg-cluster.mjs';

const SUITES = ['test/integration/imap', 'test/integration/pop3', 'test/integration/lmtp'];

if (findPgBin() === null) {
  console.log(
    'PostgreSQL is not installed (Debian package `postgresql`): the IMAP/POP3/LMTP integration run on two PostgreSQL front ends is skipped',
  );
  process.exit(0);
}
console.log('The IMAP/POP3/LMTP integration suites again, on two front ends over one PostgreSQL database:');
const run = spawnSync('vitest', ['run', ...SUITES], { stdio: 'inherit', env: { ...process.env, POSTERN_TEST_STORE: 'postgres' } });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
