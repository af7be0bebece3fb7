// The Maildir source of `postern import dovecot|maildir` (issue 16 item 1): a Maildir++ tree as Dovecot lays it
// out (INBOX at the root with cur/ new/ tmp/, children as ".Sub.Folder" directories named in modified UTF-7,
// RFC 3501 §5.1.3), with Dovecot's dovecot-uidlist (UIDVALIDITY, UIDs, NEXTUID, POP3 UIDLs), dovecot-keywords
// and subscriptions files. INTERNALDATE is the file's mtime, as Dovecot serves it for Maildir.
// `maildir` mode reads the same tree without Dovecot's files: UIDs in file name order, UIDVALIDITY Postern's.
import { existsSync } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeMutf7 } from '../imap/protocol/mutf7.js';
import { toCrlf } from './crlf.js';
import { parseUidlistHeader, parseUidlistLine, baseOf, type UidlistEntry } from './dovecot-uidlist.js';
import { maildirFlags, parseDovecotKeywords, vsizeOf } from './maildir-name.js';
import { isRealDirectory, openRegular, readRegular } from './safe-read.js';
import { dovecotDefaultUidl, type ImportSource, type SourceMailbox, type SourceMessage } from './source.js';

export type MaildirMode = 'dovecot' | 'maildir';

/** A Maildir folder: cur/ a real directory (never a symbolic link to someone else's: safe-read.ts). */
function isMaildir(dir: string): boolean {
  return isRealDirectory(join(dir, 'cur'));
}

/** ".Lists.Work" → "Lists/Work" (Maildir++ separator ".", names in modified UTF-7); null when not decodable. */
export function folderName(dirName: string): string | null {
  const parts = dirName.slice(1).split('.');
  const decoded = parts.map((p) => decodeMutf7(p));
  if (decoded.some((p) => p === null || p === '')) return null;
  return decoded.join('/');
}

/** Where the source's mailboxes go: the root into `base` (INBOX by default), children below it unless INBOX. */
function targetName(base: string, child: string | null): string {
  if (child === null) return base;
  return base.toUpperCase() === 'INBOX' ? child : `${base}/${child}`;
}

export async function maildirSource(root: string, mode: MaildirMode, base = 'INBOX'): Promise<ImportSource> {
  if (!isMaildir(root)) throw new Error(`${root} is not a Maildir (no cur/ directory)`);
  if (mode === 'dovecot' && !existsSync(join(root, 'dovecot-uidlist'))) {
    throw new Error(`${root} has no dovecot-uidlist: not a Maildir Dovecot wrote (import it as "maildir")`);
  }
  const folders: Array<{ dir: string; name: string }> = [{ dir: root, name: targetName(base, null) }];
  const children: Array<{ dir: string; name: string }> = [];
  for await (const entry of await opendir(root)) {
    if (!entry.isDirectory() || !entry.name.startsWith('.') || entry.name === '.' || entry.name === '..') continue;
    const child = folderName(entry.name);
    const dir = join(root, entry.name);
    if (child === null || !isMaildir(dir)) continue;
    children.push({ dir, name: targetName(base, child) });
  }
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  folders.push(...children);
  return {
    mailboxes: async () => Promise.all(folders.map((f) => folderMailbox(f.dir, f.name, mode))),
    subscriptions: async () => (mode === 'dovecot' ? readSubscriptions(join(root, 'subscriptions'), base) : []),
  };
}

/** Dovecot's subscriptions file, version 2: "V\t2", an empty line, then one name a line, levels separated by TAB. */
async function readSubscriptions(path: string, base: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const lines = (await readRegular(path)).toString('utf8').split('\n');
  const v2 = lines[0] === 'V\t2';
  const names = (v2 ? lines.slice(1) : lines).filter((l) => l !== '');
  return names.map((l) => {
    const name = v2 ? l.split('\t').join('/') : l;
    return name.toUpperCase() === 'INBOX' ? targetName(base, null) : targetName(base, name);
  });
}

/** The files of cur/ and new/ by base name (one stat-free directory pass each; names only in memory). */
async function listFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const sub of ['new', 'cur']) {
    const path = join(dir, sub);
    if (!isRealDirectory(path)) continue;
    for await (const entry of await opendir(path)) {
      // A symbolic link is listed so that its refusal is reported when it is read (safe-read.ts).
      if ((entry.isFile() || entry.isSymbolicLink()) && !entry.name.startsWith('.')) files.set(baseOf(entry.name), `${sub}/${entry.name}`);
    }
  }
  return files;
}

async function folderMailbox(dir: string, name: string, mode: MaildirMode): Promise<SourceMailbox> {
  const uidlistPath = join(dir, 'dovecot-uidlist');
  const useUidlist = mode === 'dovecot' && existsSync(uidlistPath);
  let header: { uidValidity: number; nextUid: number; version: 1 | 3 } | undefined;
  if (useUidlist) {
    const first = (await readRegular(uidlistPath)).toString('utf8').split('\n', 1)[0] ?? '';
    header = parseUidlistHeader(first);
  }
  const keywordsPath = join(dir, 'dovecot-keywords');
  const keywords = existsSync(keywordsPath) ? parseDovecotKeywords((await readRegular(keywordsPath)).toString('utf8')) : new Map<number, string>();
  let uidNext: number | undefined;
  let expected: number | undefined;

  const message = async (uid: number, rel: string, pop3Uidl: string | undefined): Promise<SourceMessage> => {
    const path = join(dir, rel);
    const st = await lstat(path); // a symbolic link is refused when read (safe-read.ts)
    const servedSize = vsizeOf(rel);
    return {
      uid,
      flags: maildirFlags(rel, keywords, mode === 'maildir'),
      internalDate: new Date(Math.floor(st.mtimeMs / 1000) * 1000), // Dovecot: the mtime, in whole seconds
      ...(pop3Uidl === undefined ? {} : { pop3Uidl }),
      ...(servedSize === undefined ? {} : { servedSize }),
      where: path,
      read: async () => toCrlf(await readRegular(path)),
    };
  };

  async function* messages(): AsyncGenerator<SourceMessage> {
    const files = await listFiles(dir);
    expected = files.size;
    let last = 0;
    if (header !== undefined) {
      const input = (await openRegular(uidlistPath)).createReadStream({ encoding: 'utf8' });
      const lines = createInterface({ input, crlfDelay: Infinity });
      let first = true;
      for await (const line of lines) {
        if (first) {
          first = false;
          continue;
        }
        const entry: UidlistEntry | null = parseUidlistLine(line, header.version);
        if (entry === null) continue;
        const rel = files.get(entry.base);
        if (rel === undefined) continue; // expunged since the list was written
        if (entry.uid <= last) continue; // Dovecot lists ascending; out of order, the file is numbered with the rest
        files.delete(entry.base);
        last = entry.uid;
        yield message(entry.uid, rel, entry.pop3Uidl ?? dovecotDefaultUidl(entry.uid, header.uidValidity));
      }
      last = Math.max(last, header.nextUid - 1);
    }
    // Files the list does not name yet (or a plain Maildir): the next UIDs, in file name order, as Dovecot
    // would number them when it next looked.
    const rest = [...files.keys()].sort();
    for (const key of rest) {
      last += 1;
      const rel = files.get(key)!;
      yield message(last, rel, header === undefined ? undefined : dovecotDefaultUidl(last, header.uidValidity));
    }
    uidNext = last + 1;
  }

  return {
    name,
    ...(header === undefined ? {} : { uidValidity: header.uidValidity }),
    messages,
    uidNext: () => uidNext,
    expected: () => expected,
  };
}
