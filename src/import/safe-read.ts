// Reading a source tree that its account's owner controls (issue 16 item 1): `postern import` runs as root or as
// Postern's user on a Maildir or mbox the user could write, so no file is opened through a symbolic link (the
// last component refused with O_NOFOLLOW, the directories on the way checked with lstat), and only regular files
// are read. Otherwise a link to /etc/shadow or to another user's Maildir would become mail the user can fetch.
import { constants, lstatSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** `path` opened for reading if it is a regular file reached without following a final symbolic link. */
export async function openRegular(path: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`${path} is a symbolic link: not read`);
    throw err;
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new Error(`${path} is not a regular file: not read`);
  }
  return fh;
}

/** The whole regular file `path` (openRegular). */
export async function readRegular(path: string): Promise<Buffer> {
  const fh = await openRegular(path);
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** Whether `path` is a directory itself, not a symbolic link to one. */
export function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
