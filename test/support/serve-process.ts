// Test helper: runs `postern serve` as a child process (R10.1, R10.5, R1.5 crash tests), collects its JSON
// log lines, learns the bound LMTP port from the "listening" line, and kills it by signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

export interface LogLine {
  level?: string | number;
  msg?: string;
  [key: string]: unknown;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every JSON log line written to stdout so far. */
  readonly lines: LogLine[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first log line matching pred, waiting up to ms. */
  waitFor(pred: (l: LogLine) => boolean, ms?: number): Promise<LogLine>;
  /** The port of the first TCP listener of `protocol` (from the `listening` log line of main.ts). */
  port(protocol?: string, ms?: number): Promise<number>;
  /** Sends the signal (no-op once exited). */
  kill(signal: NodeJS.Signals): void;
  /** SIGKILL when still running, then waits (bounded) for the exit. Safe to call in finally blocks. */
  dispose(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts `postern serve` with the environment of a tempHome and waits for its `ready` line. */
export async function startServeProcess(env: NodeJS.ProcessEnv, readyMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  let partial = '';
  let err = '';
  let done = false;
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) {
      if (p.trim() === '') continue;
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ msg: `(not JSON) ${p}` });
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.on('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });

  const waitFor = async (pred: (l: LogLine) => boolean, ms = 20_000): Promise<LogLine> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = lines.find(pred);
      if (found) return found;
      if (done) throw new Error(`postern serve exited before the expected log line; stderr:\n${err}\nlog:\n${dump(lines)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a log line; log so far:\n${dump(lines)}`);
      await sleep(20);
    }
  };

  const proc: ServeProcess = {
    child,
    pid: child.pid ?? -1,
    lines,
    stderr: () => err,
    exited,
    waitFor,
    async port(protocol = 'lmtp', ms = 20_000) {
      const l = await waitFor(
        (x) => x.msg === 'listening' && typeof x.listener === 'string' && x.listener.startsWith(`${protocol} `) && typeof x.port === 'number',
        ms,
      );
      return l.port as number;
    },
    kill(signal) {
      if (!done) child.kill(signal);
    },
    async dispose() {
      if (!done) child.kill('SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    },
  };
  try {
    await waitFor((l) => l.msg === 'ready', readyMs);
  } catch (e) {
    await proc.dispose();
    throw e;
  }
  return proc;
}

function dump(lines: LogLine[]): string {
  return lines
    .slice(-40)
    .map((l) => JSON.stringify(l))
    .join('\n');
}
