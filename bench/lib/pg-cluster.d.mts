// Types of pg-cluster.mjs for the TypeScript tests that start the same private PostgreSQL.
export interface PgClusterInfo {
  /** The directory holding the cluster's socket. */
  socketDir: string;
  /** The superuser to connect as. */
  user: string;
}
export interface PgCluster extends PgClusterInfo {
  /** Stops the server, keeping the cluster; resume() starts it again. */
  pause(): void;
  resume(): void;
  stop(): void;
}
export function findPgBin(): string | null;
export function startPgCluster(bin: string, o?: { durable?: boolean; maxConnections?: number; settings?: string[] }): PgCluster;
export function pgUrl(info: PgClusterInfo, db: string): string;
