// Files at rest that hold mail, scrypt hashes, SCRAM keys or private keys (SPEC R6.3, R9; issue 12 hole 16):
// created 0600, in directories created 0700, whatever the umask (created with the mode, then chmod, since the
// umask narrows the mode given at creation); and the check that finds such files readable by others.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Permission bits that make a file or directory too open. A directory may keep group *search* (0710): that
 * lets an MTA in Postern's group reach an LMTP socket in it (docs/postfix.md, setup B) without reading a file.
 */
const FILE_TOO_OPEN = 0o077;
const DIR_TOO_OPEN = 0o067;

/** Creates `path` (and missing parents) 0700; an existing directory is left as it is (see findWideModes). */
export function ensurePrivateDir(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(path, PRIVATE_DIR_MODE);
}

/** Creates `path` empty with mode 0600 when it does not exist (true); an existing file is left as it is. */
export function createPrivateFile(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  chmodSync(path, PRIVATE_FILE_MODE);
  return true;
}

export interface WideMode {
  path: string;
  kind: 'file' | 'directory';
  /** The permission bits found (e.g. 0o644). */
  mode: number;
  /** The bits once tightened (e.g. 0o600). */
  tightened: number;
}

/** The paths among `paths` that exist and are open to other users (group or world), with their modes. */
export function findWideModes(paths: readonly string[]): WideMode[] {
  const found: WideMode[] = [];
  for (const path of new Set(paths)) {
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    const mode = st.mode & 0o777;
    const kind = st.isDirectory() ? 'directory' : 'file';
    const tooOpen = kind === 'directory' ? DIR_TOO_OPEN : FILE_TOO_OPEN;
    if ((mode & tooOpen) !== 0) found.push({ path, kind, mode, tightened: mode & (kind === 'directory' ? PRIVATE_DIR_MODE : ~FILE_TOO_OPEN) });
  }
  return found;
}

/** Sets the modes findWideModes proposed: group and world bits off (a directory to 0700). */
export function tightenModes(found: readonly WideMode[]): void {
  for (const w of found) chmodSync(w.path, w.tightened);
}

export const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;

/** One line for a log or `postern check`: the path, its mode, and what it should be. */
export function describeWideMode(w: WideMode): string {
  return `${w.path}: ${w.kind} mode ${octal(w.mode)} lets other users read it; should be ${octal(w.tightened)}`;
}
