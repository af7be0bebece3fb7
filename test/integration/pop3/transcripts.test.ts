// Runs every test/transcripts/pop3/*.txt (C:/S: scripts over real sockets) as its own test against one
// in-process Postern with POP3 (STLS), POP3S and a TLS-only POP3 listener, creating the users each header
// declares and, where a transcript reads mail, putting fixed messages into INBOX first. R4.2, R5, R6, R8,
// R11 as cited per file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranscript, runTranscript, type Transcript, type TranscriptUser } from '../../support/transcript.js';
import { deliver, startPop3Server, type Pop3TestServer } from './helpers.js';

const DIR = fileURLToPath(new URL('../../transcripts/pop3/', import.meta.url));
const transcripts: Transcript[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => loadTranscript(join(DIR, f)));

/** The two messages transcripts that read mail expect (79 and 95 octets with the Return-Path prefix). */
const MESSAGES = [
  'From: a@example.net\r\nSubject: one\r\n\r\nhello\r\n',
  'From: b@example.net\r\nSubject: dots\r\n\r\n.leading dot\r\n.\r\nend\r\n',
];
const WITH_MAIL: Record<string, string> = {
  'download-delete.txt': 'tr-drop@example.org',
  'top-uidl-rset.txt': 'tr-top@example.org',
  'pipelining.txt': 'tr-pipe@example.org',
};

let t: Pop3TestServer;
const users = new Map<string, { user: TranscriptUser; id: number }>();

beforeAll(async () => {
  t = await startPop3Server();
});
afterAll(() => t.cleanup());

async function ensureUsers(declared: readonly TranscriptUser[]): Promise<void> {
  for (const user of declared) {
    const known = users.get(user.name);
    if (known) {
      expect(known.user, `user ${user.name} declared differently by two transcripts`).toEqual(user);
      continue;
    }
    users.set(user.name, { user, id: await t.addUser(user.name, user.password, user.quotaBytes) });
  }
}

describe('POP3 transcripts', () => {
  it('finds the transcripts, each citing requirement ids in its header', () => {
    expect(transcripts.length).toBeGreaterThanOrEqual(11);
    for (const tr of transcripts) expect(tr.requirements, tr.name).not.toEqual([]);
    for (const name of Object.keys(WITH_MAIL)) expect(transcripts.map((tr) => tr.name)).toContain(name);
  });

  for (const tr of transcripts) {
    it(`${tr.name} (${tr.requirements.join(' ')})`, async () => {
      await ensureUsers(tr.users);
      const owner = WITH_MAIL[tr.name];
      if (owner !== undefined) for (const m of MESSAGES) await deliver(t, users.get(owner)!.id, Buffer.from(m, 'latin1'));
      await runTranscript(tr, t);
    });
  }
});
