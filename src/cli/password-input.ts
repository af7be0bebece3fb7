// Reads a new password for `postern user add|passwd` (SPEC R6.3): from the terminal with echo off, asked
// twice; or the first line of standard input when it is not a terminal. Never from argv.
import type { Readable, Writable } from 'node:stream';

export interface PasswordIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stderr: Writable;
}

const MAX_PASSWORD_BYTES = 1024;

/** First line of a non-terminal stream, without its line end. */
export async function readPasswordLine(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const nl = buf.indexOf(0x0a);
    chunks.push(nl >= 0 ? buf.subarray(0, nl) : buf);
    total += buf.length;
    if (nl >= 0 || total > MAX_PASSWORD_BYTES) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
  if (Buffer.byteLength(line) > MAX_PASSWORD_BYTES) throw new Error(`password longer than ${MAX_PASSWORD_BYTES} bytes`);
  return line;
}

/** One hidden line typed at the terminal. */
async function promptHidden(io: PasswordIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  const stdin = io.stdin;
  stdin.setRawMode?.(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolvePromise, reject) => {
      let typed = '';
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            finish();
            resolvePromise(typed);
            return;
          }
          if (ch === '\u0003' || ch === '\u0004') {
            finish();
            reject(new Error('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else if (typed.length < MAX_PASSWORD_BYTES) typed += ch;
        }
      };
      const finish = (): void => {
        stdin.off('data', onData);
        io.stderr.write('\n');
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
  }
}

/** Asks for a new password (twice on a terminal); refuses an empty one. */
export async function readNewPassword(io: PasswordIo): Promise<string> {
  let password: string;
  if (io.stdin.isTTY) {
    password = await promptHidden(io, 'New password: ');
    const again = await promptHidden(io, 'Repeat password: ');
    if (again !== password) throw new Error('the two passwords differ');
  } else {
    password = await readPasswordLine(io.stdin);
  }
  if (password.length === 0) throw new Error('empty password refused');
  return password;
}
