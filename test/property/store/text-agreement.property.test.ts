// The full-text index and the direct check of bodies not yet indexed agree (SPEC R7.4; issue 14 items 1–3): the
// same messages match BODY and TEXT whether a search answers from the index or reads the bodies itself (the
// index file held by another writer), for messages in any transfer encoding, HTML with entities, format=flowed,
// with encoded attachment names, in composed or decomposed form, and needles in either form and any case.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import type { User } from '../../../src/store/types.js';
import { CREDENTIALS, tempDir } from '../../unit/store/store-fixture.js';

const WORDS = ['café', 'Köln', 'STRASSE', 'straße', 'naïve', 'déjà vu', '東京', '보고서', 'report', 'ΟΔΟΣ', 'x', 'Übersicht'];

const words = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 });
const form = fc.constantFrom<'NFC' | 'NFD'>('NFC', 'NFD');

/** A text/* body part: the same words written in one of the ways mail programs write them. */
function part(ws: string[], nf: 'NFC' | 'NFD', how: number): string {
  const text = ws.join(' ').normalize(nf);
  const utf8 = Buffer.from(text);
  switch (how) {
    case 0:
      return `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n`;
    case 1:
      return `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${utf8.toString('base64')}\r\n`;
    case 2: {
      // Quoted-printable with a soft line break, followed by white space, after every escaped octet run.
      const qp = [...utf8].map((b) => (b > 0x7e || b === 0x3d ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
      return `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp.replace(/ /g, ' = \r\n')}\r\n`;
    }
    case 3: {
      const html = [...text].map((c) => (c.charCodeAt(0) > 0x7e ? `&#${c.codePointAt(0)};` : c)).join('');
      return `Content-Type: text/html; charset=us-ascii\r\n\r\n<p>${html}</p>\r\n`;
    }
    default:
      return `Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n${text.replace(/ /g, '  \r\n')}\r\n`;
  }
}

const message = fc.record({ ws: words, nf: form, how: fc.integer({ min: 0, max: 4 }), name: fc.constantFrom(...WORDS), nameForm: form });

function raw(m: { ws: string[]; nf: 'NFC' | 'NFD'; how: number; name: string; nameForm: 'NFC' | 'NFD' }): Buffer {
  const name = encodeURIComponent(`${m.name}.pdf`.normalize(m.nameForm));
  return Buffer.from(
    `Subject: t\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n${part(m.ws, m.nf, m.how)}--b\r\n` +
      `Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''${name}\r\n\r\nJVBERi0=\r\n--b--\r\n`,
  );
}

let store: SqliteStore;
let user: User;
let path: string;
let cleanup: () => void;
beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  path = join(tmp.dir, 'store.sqlite');
  store = await openSqliteStore({ path, textIndex: 'on-search', busyTimeoutMs: 20 });
  user = await store.createUser('alice', CREDENTIALS);
});
afterAll(async () => {
  await store.close();
  cleanup();
});

/** Each needle's BODY and TEXT hits, with the index file locked (bodies read directly) or not (the index). */
async function hits(mailboxId: number, needles: string[], locked: boolean): Promise<number[][]> {
  const locker = locked ? new Database(textIndexPath(path)) : null;
  locker?.exec('BEGIN IMMEDIATE');
  try {
    const out: number[][] = [];
    for (const n of needles) {
      out.push(await store.searchText(user.id, mailboxId, n, 'body'));
      out.push(await store.searchText(user.id, mailboxId, n, 'text'));
    }
    return out;
  } finally {
    locker?.exec('ROLLBACK');
    locker?.close();
  }
}

describe('text index and direct check', () => {
  let box = 0;
  it('find the same messages, and a word in either form and any case finds its message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.constantFrom(...WORDS), form, fc.boolean()), { minLength: 1, maxLength: 3 }), async (msgs, picks) => {
        const mailbox = await store.createMailbox(user.id, `box${box++}`);
        for (const m of msgs) await store.append(user.id, mailbox.id, { raw: raw(m) });
        const needles = picks.map(([w, nf, upper]) => (upper ? w.toUpperCase() : w).normalize(nf));
        const direct = await hits(mailbox.id, needles, true);
        const indexed = await hits(mailbox.id, needles, false);
        expect(direct).toEqual(indexed);
        // A word of the text is found with BODY in every message that has it, written in any form.
        picks.forEach(([w], i) => {
          const expected = msgs.flatMap((m, k) => (m.ws.includes(w) || (w === 'STRASSE' && m.ws.includes('straße')) ? [k + 1] : []));
          for (const uid of expected) expect(indexed[2 * i]).toContain(uid);
          const named = msgs.flatMap((m, k) => (m.name === w ? [k + 1] : []));
          for (const uid of named) expect(indexed[2 * i + 1]).toContain(uid);
        });
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
