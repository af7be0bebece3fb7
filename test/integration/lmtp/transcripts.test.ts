// Runs every test/transcripts/lmtp/*.txt (C:/S: scripts over real sockets) as its own test against one
// in-process Postern, creating the users each header declares; R1, R3, R4.3, R5, R11 as cited per file.
// Where a transcript stores mail, the stored copies are read back here (R1.6 unstuffing, R1.8 one body).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { loadTranscript, runTranscript, type Transcript, type TranscriptUser } from '../../support/transcript.js';

const DIR = fileURLToPath(new URL('../../transcripts/lmtp/', import.meta.url));
const transcripts: Transcript[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => loadTranscript(join(DIR, f)));

let t: TestServer;
const users = new Map<string, { user: TranscriptUser; id: number }>();

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

/** Creates the header's users once for the whole run; a second declaration must agree with the first. */
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

/** The INBOX messages of a user declared by a transcript, as text. */
async function inbox(name: string): Promise<Array<{ text: string; bodyId: unknown }>> {
  const id = users.get(name)?.id;
  if (id === undefined) throw new Error(`${name} was not created`);
  const box = await t.server.store.getMailbox(id, 'INBOX');
  const metas = await t.server.store.listMessages(id, box.id);
  return Promise.all(
    metas.map(async (m) => ({ text: (await t.server.store.readMessage(id, box.id, m.uid)).toString('utf8'), bodyId: m.bodyId })),
  );
}

/** What the store must hold after a transcript that delivers mail. */
const afterwards: Record<string, () => Promise<void>> = {
  async 'data-two-recipients.txt'() {
    const a = await inbox('stuff-a@example.org');
    const b = await inbox('stuff-b@example.org');
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    const body = 'From: sender@example.net\r\nSubject: dots\r\n\r\n.leading dot\r\n.\r\n..\r\n \r\nlast line\r\n';
    expect(a[0]!.text.endsWith(body)).toBe(true);
    expect(b[0]!.text.endsWith(body)).toBe(true);
    expect(a[0]!.text).toMatch(/^Return-Path: <sender@example\.net>\r\nDelivered-To: stuff-a@example\.org\r\n/);
    expect(a[0]!.bodyId).toBe(b[0]!.bodyId); // R1.8
  },
  async 'data-smuggling.txt'() {
    // R1.6: one message, the smuggled transaction inside its body, nothing stamped for the smuggled AUTH=.
    const msgs = await inbox('smuggle@example.org');
    expect(msgs).toHaveLength(1);
    const text = msgs[0]!.text;
    expect(text).not.toMatch(/smtp\.auth=/);
    expect(text.endsWith('\r\n\r\nhello\r\n\r\nMAIL FROM:<ceo@example.org> AUTH=ceo@example.org\r\nRCPT TO:<smuggle@example.org>\r\nDATA\r\n' +
      'From: ceo@example.org\r\nSubject: smuggled\r\n\r\npay now\r\n\r\nNOOP\r\n\r\nNOOP\r.\r\nNOOP\r\n\r\n\r\n')).toBe(true);
  },
  async 'auth-user-untrusted.txt'() {
    // R1.3: an ordinary user's AUTH= naming someone else is not stamped; the session is still LMTPSA.
    const msgs = await inbox('mailbox-user@example.org');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.text).not.toMatch(/smtp\.auth=/);
    expect(msgs[0]!.text).toMatch(/with LMTPSA/);
  },
  async 'bdat-pipelined.txt'() {
    const msgs = await inbox('chunks@example.org');
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.text.endsWith('\r\nSubject: chunks\r\n\r\n.\r\nhello\r\n')).toBe(true);
    expect(msgs[1]!.text.endsWith('\r\nSubject: second\r\n\r\nx\r\n')).toBe(true);
  },
};

describe('LMTP transcripts', () => {
  it('finds the transcripts, each citing requirement ids in its header', () => {
    expect(transcripts.length).toBeGreaterThanOrEqual(19);
    for (const tr of transcripts) expect(tr.requirements, tr.name).not.toEqual([]);
    for (const name of Object.keys(afterwards)) expect(transcripts.map((tr) => tr.name)).toContain(name);
  });

  for (const tr of transcripts) {
    it(`${tr.name} (${tr.requirements.join(' ')})`, async () => {
      await ensureUsers(tr.users);
      await runTranscript(tr, t);
      await afterwards[tr.name]?.();
    });
  }
});
