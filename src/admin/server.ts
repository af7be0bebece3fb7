// The admin socket of a running `postern serve` (issue 16 items 5, 6): a Unix socket, mode 0600, under the data
// directory by default (config admin.socket); a stale one is replaced at start, a live one (another server) is
// refused, and it is removed at shutdown. One bounded request per connection (protocol.ts).
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { prepareUnixPath } from '../net/listener.js';
import { formatAdminMessage, MAX_REQUEST_BYTES, parseAdminRequest, type AdminRequest, type AdminResponse } from './protocol.js';

/** A request that has not arrived whole by then is dropped. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface AdminSocket {
  readonly path: string;
  close(): Promise<void>;
}

export async function startAdminSocket(opts: {
  path: string;
  logger: Logger;
  handle(request: AdminRequest): Promise<AdminResponse>;
}): Promise<AdminSocket> {
  const { path, logger } = opts;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await prepareUnixPath(path);
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let answered = false;
    const reply = (response: AdminResponse): void => {
      answered = true;
      socket.end(formatAdminMessage(response));
    };
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(0x0a);
      if (nl < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) reply({ ok: false, error: `request longer than ${MAX_REQUEST_BYTES} octets` });
        return;
      }
      if (nl > MAX_REQUEST_BYTES) return reply({ ok: false, error: `request longer than ${MAX_REQUEST_BYTES} octets` });
      const parsed = parseAdminRequest(buffered.subarray(0, nl).toString('utf8'));
      if (!parsed.ok) return reply({ ok: false, error: parsed.error });
      answered = true;
      logger.info({ admin: parsed.request }, 'admin request');
      opts.handle(parsed.request).then(
        (response) => socket.end(formatAdminMessage(response)),
        (err: unknown) => {
          logger.error({ err, admin: parsed.request }, 'admin request failed');
          socket.end(formatAdminMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }));
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600); // issue 16 item 5: the owner only; whoever can connect is the administrator
  logger.info({ path }, 'admin socket listening');
  let closing: Promise<void> | undefined;
  return {
    path,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => {
          try {
            if (lstatSync(path).isSocket()) unlinkSync(path);
          } catch {
            // Already removed by the server.
          }
          resolve();
        });
      })),
  };
}
