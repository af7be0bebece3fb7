// Waiting for a server-side TLS handshake with a deadline (SPEC R5.1, R11.1: a stalled or broken
// handshake ends in a typed error and a closed socket, never a hang or a crash).
import type { TLSSocket } from 'node:tls';
import { TlsHandshakeError } from './errors.js';

export function waitForHandshake(socket: TLSSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('secure', onSecure);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onSecure = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error & { code?: string }): void => {
      cleanup();
      socket.destroy();
      reject(new TlsHandshakeError(`TLS handshake failed: ${err.message}`, err.code ?? null));
    };
    const onClose = (): void => {
      cleanup();
      reject(new TlsHandshakeError('connection closed during the TLS handshake', 'ECONNRESET'));
    };
    const timer = setTimeout(() => {
      cleanup();
      socket.destroy();
      reject(new TlsHandshakeError('TLS handshake timed out', 'ETIMEDOUT'));
    }, timeoutMs);
    timer.unref();
    socket.once('secure', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
