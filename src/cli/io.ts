// The streams and environment a CLI command works with, injectable so commands can be tested in-process.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** What a command gets: its positional arguments, its options, and the streams. */
export interface CommandArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  io: CliIo;
}

/** A usage error: printed with the command's usage and exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses a byte size such as 500M, 2G, 1048576 or "none" (unlimited → null). */
export function parseByteSize(text: string): number | null {
  if (/^(none|unlimited)$/i.test(text)) return null;
  const m = /^(\d+)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`not a size: "${text}" (examples: 500M, 2G, 1048576, none)`);
  const unit = (m[2] ?? '').toLowerCase();
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit] ?? 1;
  const value = Number(m[1]) * mult;
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`size out of range: "${text}"`);
  return value;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** sysexits(3) statuses the commands use beyond 0, 1 and 2 (78, EX_CONFIG, is the configuration's). */
export const EX_DATAERR = 65;
export const EX_NOUSER = 67;

/** A failure with its own exit status (e.g. EX_NOUSER for an unknown user), printed like any other. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}
