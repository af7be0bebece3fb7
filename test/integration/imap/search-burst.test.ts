// SEARCH right after a burst of mail, over real sockets (RFC 9051 §6.4.4; SPEC R7.4; issue 14 item 4): messages
// delivered over LMTP a moment before `UID SEARCH BODY/TEXT` are found, the first and the last of the burst alike,
// while most of them are not yet in the full-text index (the indexer thread checks that tail for the search).
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailScans } from '../../../src/store/sqlite/text-index/text-index.js';
import { onPostgres, PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
`;
const N = 300;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('alice@example.org', 'pw-alice');
}, 60_000);
afterAll(() => t.stop());

function client(): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user: 'alice@example.org', pass: 'pw-alice' }, logger: false });
}

/** Message i of the burst: plain text, with `word` in its body. */
function message(i: number, word: string): string {
  return [
    'From: <sender@example.net>',
    'To: <alice@example.org>',
    `Subject: burst note ${i}`,
    `Message-ID: <burst-${i}@example.net>`,
    '',
    `Line one of note ${i}. ${word}`,
    'Some more ordinary text to make the body look like mail.',
    '',
  ].join('\r\n');
}

/** Delivers the messages over one LMTP connection, one transaction each, as an MTA flushing its queue does. */
async function burst(messages: string[]): Promise<void> {
  const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  try {
    await c.reply();
    await c.cmd('LHLO mta.test');
    for (const m of messages) {
      await c.cmd('MAIL FROM:<sender@example.net>');
      expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
      await c.cmd('DATA');
      c.write(dotStuffed(m));
      expect((await c.reply()).code).toBe(250);
    }
  } finally {
    c.close();
  }
}

describe('SEARCH right after a burst of deliveries', () => {
  it('finds the first and the last message of the burst at once', async () => {
    const words = Array.from({ length: N }, (_, i) => (i === 0 ? 'Burstalpha' : i === N - 1 ? 'burstomega' : ''));
    await burst(words.map((w, i) => message(i, w)));
    const c = client();
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const asked = tailScans.requested;
      expect(await c.search({ body: 'burstomega' }, { uid: true })).toEqual([N]);
      expect(await c.search({ text: 'BURSTALPHA' }, { uid: true })).toEqual([1]);
      expect(await c.search({ text: `burst note ${N - 1}` }, { uid: true })).toEqual([N]); // the header counts for TEXT
      expect(await c.search({ body: `burst note ${N - 1}` }, { uid: true })).toEqual([]); // but not for BODY
      // SQLite's text index: each answered with the indexer thread's check of the tail (PostgreSQL has no such thread).
      if (!onPostgres) expect(tailScans.requested - asked).toBe(4);
    } finally {
      await c.logout();
    }
  });
});
