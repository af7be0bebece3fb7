// The `postern` command line (SPEC R10.3): one table of command groups, each in its own file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load.js';
import { runBackup } from './backup.js';
import { runCert } from './cert.js';
import { runCheck } from './check.js';
import { runConfig } from './config.js';
import { runExport } from './export.js';
import { ExitError, processIo, UsageError, type CliIo, type CommandArgs } from './io.js';
import { commandHelp, type HelpSpec, type OptionHelp } from './help.js';
import { runImportCommand } from './import.js';
import { runMailbox } from './mailbox.js';
import { runMigrateStore } from './migrate-store.js';
import { runMessage } from './message.js';
import { runQuota } from './quota.js';
import { runServe } from './serve.js';
import { runKick, runReload, runWho } from './sessions.js';
import { runUser } from './user.js';

interface CommandSpec extends HelpSpec {
  options?: Record<string, OptionHelp>;
  run(args: CommandArgs): Promise<number>;
}

const YES_HELP = 'do not ask; without it a deletion asks on a terminal and is refused when standard input is not one';
const JSON_HELP = 'print one JSON document on standard output instead of text';

const COMMANDS: Record<string, CommandSpec> = {
  serve: { usage: 'serve', summary: 'run the LMTP, IMAP and POP3 servers', run: runServe },
  user: {
    usage: 'user add NAME [--quota SIZE] | user passwd NAME | user delete NAME [--yes] | user list [--json] | user disable|enable NAME',
    summary: 'manage accounts (passwords are read from the terminal or standard input)',
    options: {
      quota: { type: 'string', arg: 'SIZE', help: 'storage quota: 500M, 2G, or none' },
      yes: { type: 'boolean', help: YES_HELP },
      json: { type: 'boolean', help: JSON_HELP },
    },
    actions: {
      add: {
        usage: 'user add NAME [--quota SIZE]',
        summary: 'add an account with INBOX, Sent, Drafts, Trash, Junk and Archive; the password is read from the terminal (twice) or from the first line of standard input',
        options: ['quota'],
      },
      passwd: { usage: 'user passwd NAME', summary: 'change the password, read as for user add' },
      delete: {
        usage: 'user delete NAME [--yes]',
        summary: 'delete the account with all its mail; asks first on a terminal, refuses (exit 1) without --yes when standard input is not a terminal; logs an audit line',
        options: ['yes'],
      },
      list: { usage: 'user list [--json]', summary: 'every account with its messages, bytes used and quota', options: ['json'] },
      disable: {
        usage: 'user disable NAME',
        summary: 'refuse the account\'s logins (as a wrong password) and end its sessions in the running server; mail is still delivered',
      },
      enable: { usage: 'user enable NAME', summary: 'allow a disabled account to log in again' },
    },
    run: runUser,
  },
  quota: {
    usage: 'quota set NAME SIZE|none | quota show NAME [--json]',
    summary: 'per-user storage quotas (SIZE like 500M or 2G)',
    options: { json: { type: 'boolean', help: JSON_HELP } },
    actions: {
      set: { usage: 'quota set NAME SIZE|none', summary: 'set the quota (500M, 2G, 1048576) or remove it (none)' },
      show: { usage: 'quota show NAME [--json]', summary: 'bytes used, the limit and the message count', options: ['json'] },
    },
    run: runQuota,
  },
  mailbox: {
    usage:
      'mailbox list NAME [--json] | mailbox create NAME MAILBOX [--special-use Archive] | mailbox delete NAME MAILBOX [--yes] | ' +
      'mailbox rename NAME MAILBOX NEWNAME | mailbox subscribe|unsubscribe NAME MAILBOX',
    summary: "a user's mailboxes",
    options: {
      'special-use': { type: 'string', arg: 'USE', help: 'Archive, Drafts, Flagged, Junk, Sent, Trash or All (with or without backslash)' },
      yes: { type: 'boolean', help: YES_HELP },
      json: { type: 'boolean', help: JSON_HELP },
    },
    actions: {
      list: { usage: 'mailbox list NAME [--json]', summary: 'the mailboxes with their counters, special use and subscription', options: ['json'] },
      create: { usage: 'mailbox create NAME MAILBOX [--special-use USE]', summary: 'create and subscribe a mailbox', options: ['special-use'] },
      delete: {
        usage: 'mailbox delete NAME MAILBOX [--yes]',
        summary: 'delete a mailbox; one with mail in it is deleted only after a yes on a terminal or with --yes (refused, exit 1, when standard input is not a terminal); logs an audit line',
        options: ['yes'],
      },
      rename: { usage: 'mailbox rename NAME MAILBOX NEWNAME', summary: 'rename a mailbox and its children' },
      subscribe: { usage: 'mailbox subscribe NAME MAILBOX', summary: 'add the mailbox to the subscriptions' },
      unsubscribe: { usage: 'mailbox unsubscribe NAME MAILBOX', summary: 'remove the mailbox from the subscriptions' },
    },
    run: runMailbox,
  },
  message: {
    usage: 'message show NAME MAILBOX UID [--body] [--json]',
    summary: 'what Postern knows of one stored message: its Authentication-Results, REQUIRETLS, the fields removed at delivery, flags and header',
    options: {
      body: { type: 'boolean', help: 'print the body too (never printed otherwise)' },
      json: { type: 'boolean', help: JSON_HELP },
    },
    actions: {
      show: {
        usage: 'message show NAME MAILBOX UID [--body] [--json]',
        summary:
          'the stamped Authentication-Results, the REQUIRETLS flag, the forged fields removed at delivery, flags, keywords, ' +
          'INTERNALDATE, size and the header block; exit 67 for an unknown user, 65 for an unknown mailbox or UID',
        options: ['body', 'json'],
      },
    },
    run: runMessage,
  },
  cert: {
    usage: 'cert [--dir DIR] [--hostname HOST] [--client USER [--email ADDRESS]]...',
    summary: 'make a local CA, a server certificate and client certificates for SASL EXTERNAL',
    options: {
      dir: { type: 'string', arg: 'DIR', help: 'where the CA, keys and certificates go' },
      hostname: { type: 'string', arg: 'HOST', help: "the server certificate's name" },
      client: { type: 'string', multiple: true, arg: 'USER', help: 'make a client certificate for USER' },
      email: { type: 'string', multiple: true, arg: 'ADDRESS', help: 'the e-mail address of the preceding --client' },
    },
    run: runCert,
  },
  check: {
    usage: 'check [--repair] [--integrity] [--json]',
    summary: 'verify every mailbox counter and body reference count against the stored rows',
    options: {
      repair: { type: 'boolean', help: 'fix what is found' },
      integrity: { type: 'boolean', help: "also run SQLite's integrity check" },
      json: { type: 'boolean', help: JSON_HELP },
    },
    run: runCheck,
  },
  import: {
    usage: 'import dovecot|maildir|mbox NAME PATH [--mailbox MAILBOX] [--no-verify]',
    summary: "a user's mail from Dovecot's Maildir (UIDs, flags, POP3 UIDLs kept), a Maildir or mbox; then verify",
    options: { mailbox: { type: 'string' }, 'no-verify': { type: 'boolean' } },
    run: runImportCommand,
  },
  'migrate-store': {
    usage: 'migrate-store --to URL [--from URL] [--no-verify]',
    summary:
      'copy the whole store (users, credentials, mailboxes, UIDs, flags, REQUIRETLS, POP3 UIDLs, every message) to another, ' +
      'SQLite to PostgreSQL or back; then verify; safe to run again or after a kill (docs/migrate-store.md)',
    options: {
      to: { type: 'string', arg: 'URL', help: 'the store to copy to: postgresql://… or sqlite:/path/to/store.sqlite (a path ending in .sqlite)' },
      from: { type: 'string', arg: 'URL', help: 'the store to copy from (default: the configured store), in the same forms' },
      'no-verify': { type: 'boolean', help: 'skip the verify step (a comparison of every message with the source)' },
    },
    run: runMigrateStore,
  },
  backup: { usage: 'backup FILE', summary: 'copy the database to FILE with SQLite online backup', run: runBackup },
  config: { usage: 'config', summary: 'validate the configuration and print the effective values', run: runConfig },
  export: {
    usage: 'export maildir NAME PATH',
    summary: "write a user's mail as a Maildir++ tree for Dovecot (same UIDs, flags, keywords, POP3 UIDLs); PATH new or empty",
    run: runExport,
  },
  who: {
    usage: 'who [--json]',
    summary: 'list the IMAP and POP3 sessions of the running server',
    options: { json: { type: 'boolean', help: JSON_HELP } },
    run: runWho,
  },
  kick: { usage: 'kick USER', summary: "end USER's IMAP and POP3 sessions in the running server", run: runKick },
  reload: { usage: 'reload', summary: 'make the running server re-read its configuration (as SIGHUP)', run: runReload },
};

function usage(): string {
  const lines = ['usage: postern [--config FILE] COMMAND ...   (postern --version: the version)', '', 'commands:'];
  for (const spec of Object.values(COMMANDS)) lines.push(`  postern ${spec.usage}`, `      ${spec.summary}`);
  lines.push('', 'postern COMMAND --help, postern COMMAND ACTION --help: the help of one command.');
  lines.push('POSTERN_CONFIG selects the configuration file; POSTERN_HOME the directory relative paths use.');
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

/** The table's options as parseArgs takes them (without their help texts). */
function parseOptions(options: Record<string, OptionHelp>): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, multiple, short }]) => [
      name,
      { type, ...(multiple === undefined ? {} : { multiple }), ...(short === undefined ? {} : { short }) },
    ]),
  );
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
  const helpOf = name === 'help' && rest[0] !== undefined ? rest[0] : undefined;
  if (helpOf !== undefined && COMMANDS[helpOf]) {
    io.stdout.write(commandHelp(helpOf, COMMANDS[helpOf], rest[1]));
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
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(name, spec, rest[0])); // issue 16 item 7: that command's (or action's) usage and options
    return 0;
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: { config: { type: 'string' }, ...parseOptions(spec.options ?? {}) },
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
    if (err instanceof ExitError) {
      io.stderr.write(`postern ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 78;
    }
    io.stderr.write(`postern ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
