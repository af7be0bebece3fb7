// The CLI's side of the admin socket (issue 16 items 5, 6): sends one request to the running `postern serve`
// and reads its one-line answer. A server that is not running is told apart from one that failed.
import { connect } from 'node:net';
import { formatAdminMessage, type AdminRequest, type AdminResponse } from './protocol.js';

/** No server answers on the socket: absent or refused (the CLI exits 69, EX_UNAVAILABLE). */
export class ServerNotRunningError extends Error {
  constructor(path: string, code: string) {
    super(`the server is not running (no answer on the admin socket ${path}: ${code})`);
    this.name = 'ServerNotRunningError';
  }
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export function adminRequest(path: string, request: AdminRequest, timeoutMs = 30_000): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let data = Buffer.alloc(0);
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer on the admin socket ${path} within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(formatAdminMessage(request)));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'error';
      if (!settled && (code === 'ENOENT' || code === 'ECONNREFUSED')) fail(new ServerNotRunningError(path, code));
      else fail(err);
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length > MAX_RESPONSE_BYTES) fail(new Error('admin answer too large'));
    });
    socket.on('end', () => {
      if (settled) return;
      settled = true;
      const line = data.toString('utf8').trim();
      try {
        resolve(JSON.parse(line) as AdminResponse);
      } catch {
        reject(new Error(`unreadable answer on the admin socket ${path}`));
      }
    });
  });
}
