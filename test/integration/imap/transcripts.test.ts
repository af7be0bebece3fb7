// Runs test/transcripts/imap/*.txt against a default Postern, and test/transcripts/imap/plaintext-allowed/
// against one that allows plaintext login (so that a cleartext session can log in at all for the R3.4
// PRIVACYREQUIRED transcripts). Requirements as cited in each file's header. The store throws a plain Error for
// the mailbox named "Faulty" (FAULTY below), so that a transcript can show a fault inside a command (R11.1).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { loadTranscript, runTranscript, type Transcript } from '../../support/transcript.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
`;

/** getMailbox and mailboxStatus of this name throw an Error that is no StoreError: the dispatcher's last line of defence. */
const FAULTY = 'Faulty';

function injectFault(t: TestServer): void {
  const store = t.server.store;
  const getMailbox = store.getMailbox.bind(store);
  store.getMailbox = async (userId, name) => {
    if (name === FAULTY) throw new Error('injected fault (transcripts.test.ts)');
    return getMailbox(userId, name);
  };
  const mailboxStatus = store.mailboxStatus.bind(store);
  store.mailboxStatus = async (userId, name, opts) => {
    if (name === FAULTY) throw new Error('injected fault (transcripts.test.ts)');
    return mailboxStatus(userId, name, opts);
  };
}

function load(dir: string): Transcript[] {
  const path = fileURLToPath(new URL(dir, import.meta.url));
  return readdirSync(path)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => loadTranscript(join(path, f)));
}

for (const [title, dir, yaml] of [
  ['IMAP transcripts', '../../transcripts/imap/', ''],
  ['IMAP transcripts with plaintext login allowed', '../../transcripts/imap/plaintext-allowed/', 'auth: { allowPlaintextWithoutTls: true, failureDelayMs: 0 }'],
] as const) {
  describe(title, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(yaml === '' ? { listeners: LISTENERS } : { listeners: LISTENERS, auth: yaml });
      injectFault(t);
    });
    afterAll(() => t.stop());

    for (const transcript of load(dir)) {
      it(transcript.name, async () => {
        for (const user of transcript.users) await t.addUser(user.name, user.password, user.quotaBytes);
        await runTranscript(transcript, t);
      });
    }
  });
}
