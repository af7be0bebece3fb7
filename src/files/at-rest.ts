// Which files at rest must be private (issue 12 hole 16): the store's directory, the message spool beside it
// (data/spool, issue 12 hole 13), the database with its -wal and -shm, the text index with its own, and the
// private keys and PKCS#12 bundles under tls.certDir. A key file the administrator names in tls.key is theirs
// to manage (it may be 0640 for a group such as ssl-cert).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/load.js';
import { textIndexPath } from '../store/sqlite/text-index/text-db.js';

const SQLITE_SUFFIXES = ['', '-wal', '-shm'];
const SECRET_FILE = /\.(key|p12)$/;

/** The key and PKCS#12 files in `dir` and its subdirectories one level down (`postern cert --dir certs/local`). */
function secretFiles(dir: string, depth = 1): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return depth > 0 ? secretFiles(path, depth - 1) : [];
    return e.isFile() && SECRET_FILE.test(e.name) ? [path] : [];
  });
}

/** Every path that holds mail, credentials or keys and must not be readable by other local users. */
export function privatePaths(config: Config): string[] {
  const store = config.store.path;
  const text = textIndexPath(store);
  return [
    dirname(store),
    join(dirname(store), 'spool'),
    ...SQLITE_SUFFIXES.map((s) => `${store}${s}`),
    ...SQLITE_SUFFIXES.map((s) => `${text}${s}`),
    // Not the certificate directory itself: it ships with the source (0755 in a fresh clone) and holds public
    // certificates beside the keys; the keys are what must be private.
    ...secretFiles(config.tls.certDir),
  ];
}
