// The metrics endpoint as the serve process runs it (issue 16 item 4): the HTTP listener wired to the Metrics
// object, to what a scrape reads at its moment (store size, text-index backlog, memory, uptime), and to the
// health check a load balancer asks: the store answers a trivial read, every listener is accepting, and the
// server is not shutting down.
import type { HostPort } from '../config/host-port.js';
import { startMetricsServer, type MetricsServer } from './http-server.js';
import type { Metrics, ScrapeFacts } from './metrics.js';

/** What the endpoint reads from the running server; each may throw (then reported, not fatal). */
export interface EndpointSources {
  storeSize(): NonNullable<ScrapeFacts['store']>;
  textIndexBacklog(): number;
  /** Throws when the store cannot answer a trivial read. */
  pingStore(): void;
  /** The listeners, by name, and whether each is accepting. */
  listeners(): ReadonlyArray<{ name: string; listening: boolean }>;
  shuttingDown(): boolean;
  onError(err: Error, what: string): void;
}

function attempt<T>(sources: EndpointSources, what: string, read: () => T): T | null {
  try {
    return read();
  } catch (err) {
    sources.onError(err as Error, what);
    return null;
  }
}

/** Null when healthy, else the first reason it is not (the 503's body). */
export function healthReason(sources: EndpointSources): string | null {
  if (sources.shuttingDown()) return 'shutting down';
  try {
    sources.pingStore();
  } catch (err) {
    return `store not answering: ${(err as Error).message}`;
  }
  const down = sources.listeners().filter((l) => !l.listening);
  if (down.length > 0) return `not listening: ${down.map((l) => l.name).join(', ')}`;
  return null;
}

export function startMetricsEndpoint(listen: HostPort, metrics: Metrics, sources: EndpointSources): Promise<MetricsServer> {
  const started = process.hrtime.bigint();
  return startMetricsServer({
    ...listen,
    metrics: () => {
      const memory = process.memoryUsage();
      return metrics.render({
        store: attempt(sources, 'store size', () => sources.storeSize()),
        textIndexBacklog: attempt(sources, 'text-index backlog', () => sources.textIndexBacklog()),
        memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal },
        uptimeSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    },
    health: () => healthReason(sources),
    onError: (err) => sources.onError(err, 'metrics listener'),
  });
}
