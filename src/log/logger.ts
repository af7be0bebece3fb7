// The pino root logger (SPEC R10.4): JSON lines, or pino-pretty lines for a person at a terminal (issue 16
// item 8: log.format auto|pretty|json), a child per session carrying the fields every session line shares
// (protocol, session, remote), and a redaction list so that passwords, credentials and message bodies never
// reach a log even if a caller passes them by mistake.
import type { Writable } from 'node:stream';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values are replaced by "[redacted]" wherever they appear (one level of nesting too). */
export const REDACTED_KEYS = [
  'password',
  'pass',
  'passwd',
  'secret',
  'credentials',
  'response',
  'body',
  'raw',
] as const;

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]);

/** auto: pretty when stdout is a terminal, JSON otherwise (a file, journald, a pipe to fail2ban). */
export type LogFormat = 'auto' | 'pretty' | 'json';

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'postern' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export interface ServeLoggerOptions {
  level: string;
  format: LogFormat;
  /** Whether stdout is a terminal (process.stdout.isTTY). */
  isTTY: boolean;
  /** Where lines go; stdout by default. Tests pass a stream to capture them. */
  output?: Writable;
  /** Loads pino-pretty's factory; tests replace it. Rejects when the module is not installed. */
  loadPretty?: () => Promise<PrettyFactory>;
}

/** pino-pretty's default export: options in, a stream of formatted lines out. */
export type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/** The format `auto` stands for on this output. */
export function resolveFormat(format: LogFormat, isTTY: boolean): 'pretty' | 'json' {
  if (format === 'auto') return isTTY ? 'pretty' : 'json';
  return format;
}

// The module name is held in a variable so that the type check does not require the package.
const PRETTY_MODULE = 'pino-pretty';
async function importPretty(): Promise<PrettyFactory> {
  const mod = (await import(PRETTY_MODULE)) as { default: PrettyFactory };
  return mod.default;
}

/**
 * The logger of `postern serve`. Pretty lines come from pino-pretty, loaded only when asked for; when it is not
 * installed the lines stay JSON and one warning line says so.
 */
export async function createServeLogger(opts: ServeLoggerOptions): Promise<Logger> {
  const json = (): Logger => createLogger({ level: opts.level, ...(opts.output ? { destination: opts.output } : {}) });
  if (resolveFormat(opts.format, opts.isTTY) === 'json') return json();
  let factory: PrettyFactory;
  try {
    factory = await (opts.loadPretty ?? importPretty)();
  } catch (err) {
    const logger = json();
    logger.warn({ format: opts.format, err: (err as Error).message }, 'pino-pretty is not installed; logging JSON lines');
    return logger;
  }
  const destination = factory({
    colorize: opts.isTTY,
    translateTime: 'SYS:standard',
    singleLine: true,
    ignore: 'pid,hostname,service',
    destination: opts.output ?? process.stdout,
    sync: true,
  });
  return createLogger({ level: opts.level, destination });
}

/** The fields every line of one session carries; login, logout and command lines use the same names. */
export interface SessionFields {
  protocol: 'imap' | 'pop3' | 'lmtp';
  /** The connection's short id: joins a session's lines. */
  session: string;
  /** The client's address (an IP address; the socket path's kind for Unix sockets). */
  remote: string;
}

/** A child logger for one session: every line carries the protocol, the session id and the client's address. */
export function sessionLogger(root: Logger, protocol: SessionFields['protocol'], session: string, remote: string): Logger {
  const fields: SessionFields = { protocol, session, remote };
  return root.child(fields);
}
