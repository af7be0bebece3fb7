// Vitest global setup (issue 18): one private PostgreSQL for the whole run, when Debian's `postgresql` is
// installed; its socket directory is provided to the tests as `pg` (null, with the reason in `pgSkip`, when it
// is not), and it is stopped when the run ends.
import type { TestProject } from 'vitest/node';
import { findPgBin, startPgCluster, type PgClusterInfo } from '../../bench/lib/pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: PgClusterInfo | null;
    pgSkip: string;
  }
}

export default function setup(project: TestProject): () => void {
  const bin = findPgBin();
  if (!bin) {
    project.provide('pg', null);
    project.provide('pgSkip', 'PostgreSQL is not installed (Debian package `postgresql`): the PostgreSQL backend tests are skipped');
    return () => undefined;
  }
  try {
    const cluster = startPgCluster(bin);
    project.provide('pg', { socketDir: cluster.socketDir, user: cluster.user });
    project.provide('pgSkip', '');
    return () => cluster.stop();
  } catch (err) {
    project.provide('pg', null);
    project.provide('pgSkip', `${(err as Error).message}: the PostgreSQL backend tests are skipped`);
    return () => undefined;
  }
}
