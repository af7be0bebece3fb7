// `postern migrate-store` (issue 18 item 5): the store a URL names — `postgresql://…` / `postgres://…` (PostgreSQL)
// or `sqlite:/abs/path.sqlite` (also a bare path ending in .sqlite; relative paths against the working directory).
import { dirname, resolve } from 'node:path';
import { ensurePrivateDir } from '../files/private-files.js';
import type { ConfiguredStore } from '../store/open.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

export type StoreLocation = { backend: 'postgres'; url: string } | { backend: 'sqlite'; path: string };

/** The store a URL names; null when it is neither form. */
export function parseStoreUrl(url: string, cwd: string): StoreLocation | null {
  if (/^postgres(ql)?:\/\//i.test(url)) return { backend: 'postgres', url };
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url.endsWith('.sqlite') ? url : null;
  if (path === null || path === '') return null;
  return { backend: 'sqlite', path: resolve(cwd, path) };
}

/** How a location is written in messages (never a PostgreSQL password). */
export function describeLocation(loc: StoreLocation): string {
  if (loc.backend === 'sqlite') return `SQLite ${loc.path}`;
  try {
    const u = new URL(loc.url);
    u.password = '';
    return `PostgreSQL ${u.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}

export function sameLocation(a: StoreLocation, b: StoreLocation): boolean {
  return a.backend === b.backend && (a.backend === 'sqlite' ? a.path === (b as { path: string }).path : a.url === (b as { url: string }).url);
}

/** Opens (creating and migrating when new) the store at `loc`, for the CLI: everything inline. */
export async function openLocation(loc: StoreLocation): Promise<ConfiguredStore> {
  if (loc.backend === 'postgres') {
    const { openPostgresStore } = await import('../store/postgres/postgres-store.js');
    return openPostgresStore({ url: loc.url, poolSize: 4 });
  }
  ensurePrivateDir(dirname(loc.path));
  return openSqliteStore({ path: loc.path });
}
