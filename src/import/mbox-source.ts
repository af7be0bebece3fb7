// The mbox source of `postern import mbox` (issue 16 item 1): one mbox file (one mailbox), or a directory of them
// (one mailbox each, named by the file's path below it; "inbox" is INBOX). Read as a stream (mbox-split.ts): one
// message in memory at a time. INTERNALDATE from the "From " line; flags from Status, X-Status, X-Keywords.
import { lstatSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { toCrlf } from './crlf.js';
import { fromLineDate, mboxFlags, splitMbox } from './mbox-split.js';
import { openRegular } from './safe-read.js';
import type { ImportSource, SourceMailbox, SourceMessage } from './source.js';

async function mboxFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await mboxFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function fileMailbox(path: string, name: string): SourceMailbox {
  async function* messages(): AsyncGenerator<SourceMessage> {
    let n = 0;
    const fh = await openRegular(path); // never through a symbolic link (safe-read.ts)
    const mtimeMs = (await fh.stat()).mtimeMs;
    for await (const m of splitMbox(fh.createReadStream({ highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>)) {
      n += 1;
      const bytes = toCrlf(m.bytes);
      yield {
        uid: n,
        flags: mboxFlags(m.bytes),
        internalDate: fromLineDate(m.fromLine) ?? new Date(mtimeMs),
        where: `${path} message ${n}`,
        read: async () => bytes,
      };
    }
  }
  return { name, messages, uidNext: () => undefined };
}

export async function mboxSource(path: string, base: string | undefined): Promise<ImportSource> {
  const st = lstatSync(path);
  if (st.isFile()) return { mailboxes: async () => [fileMailbox(path, base ?? 'INBOX')], subscriptions: async () => [] };
  const files = await mboxFiles(path);
  const boxes = files.map((file) => {
    const rel = relative(path, file).split(/[\\/]/).join('/').replace(/\.mbox$/i, '');
    const plain = rel.toLowerCase() === 'inbox' ? 'INBOX' : rel;
    return fileMailbox(file, base === undefined ? plain : plain === 'INBOX' ? base : `${base}/${plain}`);
  });
  return { mailboxes: async () => boxes, subscriptions: async () => [] };
}
