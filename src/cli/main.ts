// The `postern` command line (SPEC R10.3): one table of command groups, each in its own file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load.js';
import { runBackup } from './backup.js';
import { runCert } from './cert.js';
import { runCheck } from './check.js';
import { runConfig } from './config.js';
import { processIo, UsageError, type CliIo, type CommandArgs } from './io.js';
import { runMailbox } from './mailbox.js';
import { runQuota } from './quota.js';
import { runServe } from './serve.js';
import { runKick, runReload, runWho } from './sessions.js';
import { runUser } from './user.js';

interface CommandSpec {
  usage: string;
  summary: string;
  options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
  run(args: CommandArgs): Promise<number>;
}

const COMMANDS: Record<string, CommandSpec> = {
  serve: { usage: 'serve', summary: 'run the LMTP, IMAP and POP3 servers', run: runServe },
  user: {
    usage: 'user add NAME [--quota SIZE] | user passwd NAME | user delete NAME | user list | user disable|enable NAME',
    summary: 'manage accounts (passwords are read from the terminal or standard input)',
    options: { quota: { type: 'string' } },
    run: runUser,
  },
  quota: {
    usage: 'quota set NAME SIZE|none | quota show NAME',
    summary: 'per-user storage quotas (SIZE like 500M or 2G)',
    run: runQuota,
  },
  mailbox: {
    usage:
      'mailbox list NAME | mailbox create NAME MAILBOX [--special-use Archive] | mailbox delete NAME MAILBOX | ' +
      'mailbox rename NAME MAILBOX NEWNAME | mailbox subscribe|unsubscribe NAME MAILBOX',
    summary: "a user's mailboxes",
    options: { 'special-use': { type: 'string' } },
    run: runMailbox,
  },
  cert: {
    usage: 'cert [--dir DIR] [--hostname HOST] [--client USER [--email ADDRESS]]...',
    summary: 'make a local CA, a server certificate and client certificates for SASL EXTERNAL',
    options: {
      dir: { type: 'string' },
      hostname: { type: 'string' },
      client: { type: 'string', multiple: true },
      email: { type: 'string', multiple: true },
    },
    run: runCert,
  },
  check: {
    usage: 'check [--repair] [--integrity]',
    summary: 'verify every mailbox counter and body reference count against the stored rows',
    options: { repair: { type: 'boolean' }, integrity: { type: 'boolean' } },
    run: runCheck,
  },
  backup: { usage: 'backup FILE', summary: 'copy the database to FILE with SQLite online backup', run: runBackup },
  config: { usage: 'config', summary: 'validate the configuration and print the effective values', run: runConfig },
  who: {
    usage: 'who [--json]',
    summary: 'list the IMAP and POP3 sessions of the running server',
    options: { json: { type: 'boolean' } },
    run: runWho,
  },
  kick: { usage: 'kick USER', summary: "end USER's IMAP and POP3 sessions in the running server", run: runKick },
  reload: { usage: 'reload', summary: 'make the running server re-read its configuration (as SIGHUP)', run: runReload },
};

function usage(): string {
  const lines = ['usage: postern [--config FILE] COMMAND ...   (postern --version: the version)', '', 'commands:'];
  for (const spec of Object.values(COMMANDS)) lines.push(`  postern ${spec.usage}`, `      ${spec.summary}`);
  lines.push('', 'POSTERN_CONFIG selects the configuration file; POSTERN_HOME the directory relative paths use.');
  return `${lines.join('\n')}\n`;
}

/** The package's version, as `postern --version` prints it. */
function version(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version?: unknown };
  return `postern ${String(pkg.version)} (node ${process.version})\n`;
}

/**
 * `postern --config FILE COMMAND ...` (as the usage shows): global options before the command name — the
 * configuration file (also `--config=FILE`), --version, --help. The command's own options come after it.
 */
function globalOptions(argv: string[]): { config: string | undefined; rest: string[] } {
  let config: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') {
      const file = argv[++i];
      if (file === undefined) throw new UsageError('--config needs a FILE');
      config = file;
    } else if (arg.startsWith('--config=')) config = arg.slice('--config='.length);
    else break;
  }
  return { config, rest: argv.slice(i) };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let global: { config: string | undefined; rest: string[] };
  try {
    global = globalOptions(argv);
  } catch (err) {
    io.stderr.write(`postern: ${err instanceof Error ? err.message : String(err)}\n${usage()}`);
    return 2;
  }
  const [name, ...rest] = global.rest;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(version());
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (global.config !== undefined) io = { ...io, env: { ...io.env, POSTERN_CONFIG: global.config } };
  const spec = COMMANDS[name];
  if (!spec) {
    io.stderr.write(`postern: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: { config: { type: 'string' }, ...(spec.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
    const env = parsed.values.config === undefined ? io.env : { ...io.env, POSTERN_CONFIG: String(parsed.values.config) };
    return await spec.run({ positionals: parsed.positionals, values: parsed.values, io: { ...io, env } });
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`postern ${name}: ${err.message}\nusage: postern ${spec.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 78;
    }
    io.stderr.write(`postern ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
