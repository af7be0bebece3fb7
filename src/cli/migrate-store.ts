// `postern migrate-store --to URL [--from URL] [--no-verify]` (issue 18 item 5): copies the whole store (the
// configured one, or --from) to another — SQLite → PostgreSQL and back — then verifies the copy. Exit 0 when
// everything matches, 1 when something could not be copied or verify finds a difference (printed one a line).
// Run it again to resume: nothing is doubled. See docs/migrate-store.md.
import { existsSync } from 'node:fs';
import { Progress } from '../import/progress.js';
import { runMigration } from '../migrate-store/run-migration.js';
import { describeLocation, openLocation, parseStoreUrl, sameLocation, type StoreLocation } from '../migrate-store/store-url.js';
import { verifyStore } from '../migrate-store/verify-store.js';
import type { ConfiguredStore } from '../store/open.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { cliConfig, withStore } from './context.js';
import { formatBytes, UsageError, type CommandArgs } from './io.js';

function location(url: unknown, option: string, cwd: string): StoreLocation | undefined {
  if (url === undefined) return undefined;
  const loc = typeof url === 'string' ? parseStoreUrl(url, cwd) : null;
  if (loc === null) throw new UsageError(`${option} is postgresql://… or sqlite:/path/to/store.sqlite (or a path ending in .sqlite)`);
  return loc;
}

/** Test hook (never documented for use): kill the process after this many stored batches, as a crash would. */
function crashHook(env: NodeJS.ProcessEnv): { afterBatch?: () => void } {
  const after = Number(env.POSTERN_TEST_MIGRATE_CRASH_AFTER_BATCHES ?? '');
  if (!Number.isInteger(after) || after <= 0) return {};
  let batches = 0;
  return { afterBatch: () => (++batches >= after ? process.kill(process.pid, 'SIGKILL') : undefined) };
}

export async function runMigrateStore({ positionals, values, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const cwd = process.cwd();
  const to = location(values.to, '--to', cwd);
  if (to === undefined) throw new UsageError('--to URL names the store to copy to');
  const from = location(values.from, '--from', cwd);
  const copy = async (source: ConfiguredStore, sourceLoc: StoreLocation | undefined): Promise<number> => {
    if (sourceLoc !== undefined && sameLocation(sourceLoc, to)) throw new UsageError('--to names the source store itself');
    const target = await openLocation(to);
    try {
      io.stdout.write(`copying ${sourceLoc === undefined ? 'the configured store' : describeLocation(sourceLoc)} to ${describeLocation(to)}\n`);
      const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
      const report = await runMigration(source, target, new Progress(io.stderr, tty), crashHook(io.env));
      io.stdout.write(
        `copied ${report.copied} messages (${formatBytes(report.bytes)}) in ${report.mailboxes} mailboxes of ${report.users} users; ` +
          `${report.skipped} were there already\n`,
      );
      if (report.reflagged + report.expunged > 0) {
        io.stdout.write(`since the last run: flags set again on ${report.reflagged} messages, ${report.expunged} expunged as in the source\n`);
      }
      for (const line of report.problems) io.stdout.write(`problem: ${line}\n`);
      // A bulk load leaves PostgreSQL without planner statistics until autovacuum comes round (postgres-store.ts).
      if (!(target instanceof SqliteStore)) io.stdout.write(`planner statistics refreshed (ANALYZE of ${await target.analyze()} tables)\n`);
      if (values['no-verify'] === true) return report.problems.length === 0 ? 0 : 1;
      const verified = await verifyStore(source, target);
      for (const line of verified.differences) io.stdout.write(`differs: ${line}\n`);
      if (verified.differences.length === 0) {
        io.stdout.write(
          `verify: ${verified.users} users, ${verified.messages} messages (${formatBytes(verified.bytes)}) in ${verified.mailboxes} mailboxes match the source: ` +
            'credentials, quotas, mailboxes, UIDVALIDITY, UIDNEXT, subscriptions, sizes, SHA-256, UIDs, flags, keywords, INTERNALDATE, ' +
            'REQUIRETLS, trace prefixes, removed fields, POP3 UIDLs\n',
        );
      } else io.stdout.write(`verify: FAILED, ${verified.differences.length} differences (listed above)\n`);
      return verified.differences.length === 0 && report.problems.length === 0 ? 0 : 1;
    } finally {
      await target.close();
    }
  };
  if (from !== undefined) {
    if (from.backend === 'sqlite' && !existsSync(from.path)) throw new Error(`--from: no store at ${from.path}`);
    const source = await openLocation(from);
    try {
      return await copy(source, from);
    } finally {
      await source.close();
    }
  }
  const config = cliConfig(io);
  const configured: StoreLocation =
    config.store.backend === 'postgres' ? { backend: 'postgres', url: config.store.url ?? '' } : { backend: 'sqlite', path: config.store.path };
  return withStore(config, (store) => copy(store, configured));
}
