// The pino root logger (SPEC R10.4): JSON lines, a child per session, and a redaction list so that
// passwords, credentials and message bodies never reach a log even if a caller passes them by mistake.
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

/** A child logger for one session: every line carries the protocol and a short session id. */
export function sessionLogger(root: Logger, proto: string, sid: string, remoteAddress: string): Logger {
  return root.child({ proto, sid, remote: remoteAddress });
}
