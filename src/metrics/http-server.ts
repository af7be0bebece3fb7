// The metrics listener (issue 16 item 4, docs/metrics.md): plain HTTP on an address the administrator names
// (loopback by default), answering GET /metrics in the Prometheus text format 0.0.4 and GET /health for a
// load balancer (200 "ok", or 503 with the reason). Nothing else: no request body is read, every other path
// is 404, every other method 405, and slow or idle clients are cut off.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Scrapers are few: Prometheus, a load balancer's probe, an administrator's curl. */
const MAX_CONNECTIONS = 32;
const REQUEST_TIMEOUT_MS = 10_000;

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** The exposition text for this scrape. */
  metrics: () => string;
  /** Null when healthy, else the reason the 503 names. */
  health: () => string | null;
  onError: (err: Error) => void;
}

export interface MetricsServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', head = false): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(head ? undefined : body);
}

function answer(opts: MetricsServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics' && path !== '/health') return send(res, 404, 'not found: try /metrics or /health\n');
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  try {
    if (path === '/metrics') return send(res, 200, opts.metrics(), EXPOSITION_CONTENT_TYPE, head);
    const reason = opts.health();
    return reason === null ? send(res, 200, 'ok\n', undefined, head) : send(res, 503, `${reason}\n`, undefined, head);
  } catch (err) {
    opts.onError(err as Error);
    return send(res, path === '/health' ? 503 : 500, path === '/health' ? 'health check failed\n' : 'scrape failed\n', undefined, head);
  }
}

export function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: 5_000 }, (req, res) =>
    answer(opts, req, res),
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', reject);
      server.on('error', opts.onError);
      let closing: Promise<void> | undefined;
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}
