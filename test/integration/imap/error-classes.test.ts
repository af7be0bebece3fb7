// Error classes as Dovecot 2.3 answers them (issue 13 item 17; RFC 3501 §2.3.2, §6.3.2, §6.4.5, §6.4.6):
// \Recent and unknown system flags in STORE/APPEND are BAD, STORE in an EXAMINEd mailbox is OK and changes
// nothing, BODY[1.1] of a single-part message is empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('alice@example.org', 'pw-alice');
  const c = await login();
  const message = 'Subject: one part\r\nFrom: a@example.net\r\n\r\nthe only part\r\n';
  c.write(`a1 APPEND INBOX {${message.length}+}\r\n${message}\r\n`);
  expect((await c.reply('a1')).tagged).toMatch(/OK/);
  c.close();
}, 60_000);
afterAll(() => t.stop());

async function login(): Promise<RawImap> {
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
  return c;
}

describe('flags a client may not set are BAD', () => {
  it('STORE of \\Recent or an unknown system flag is BAD and changes nothing', async () => {
    const c = await login();
    try {
      expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
      for (const item of ['+FLAGS (\\Recent)', 'FLAGS (\\Seen \\Recent)', '+FLAGS \\Foo', '-FLAGS.SILENT (\\Foo)', 'FLAGS (\\recent)']) {
        expect((await c.cmd(`STORE 1 ${item}`)).tagged, item).toMatch(/^t\d+ BAD /);
      }
      expect((await c.cmd('FETCH 1 FLAGS')).untagged).not.toMatch(/\\Seen|\\Foo/);
      // The five settable system flags and keywords still work.
      expect((await c.cmd('STORE 1 +FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)')).tagged).toMatch(/OK/);
      expect((await c.cmd('STORE 1 FLAGS ()')).tagged).toMatch(/OK/);
    } finally {
      c.close();
    }
  });

  it('APPEND with \\Recent or an unknown system flag is BAD and stores nothing', async () => {
    const c = await login();
    try {
      const count = async (): Promise<number> => Number(/MESSAGES (\d+)/.exec((await c.cmd('STATUS INBOX (MESSAGES)')).untagged)![1]);
      const before = await count();
      for (const flags of ['(\\Recent)', '(\\Seen \\Foo)']) {
        c.write(`b1 APPEND INBOX ${flags} {4+}\r\nx: y\r\n`);
        expect((await c.reply('b1')).tagged, flags).toMatch(/^b1 BAD /);
      }
      expect(await count()).toBe(before);
    } finally {
      c.close();
    }
  });
});

describe('STORE in a mailbox opened with EXAMINE', () => {
  it('is OK and changes nothing (RFC 3501 §6.3.2), as Dovecot', async () => {
    const c = await login();
    try {
      expect((await c.cmd('EXAMINE INBOX')).tagged).toMatch(/OK \[READ-ONLY\]/);
      const r = await c.cmd('STORE 1 +FLAGS (\\Seen $Read)');
      expect(r.tagged).toMatch(/^t\d+ OK /);
      expect(r.untagged).not.toMatch(/FETCH/);
      expect((await c.cmd('UID STORE 1:* FLAGS (\\Deleted)')).tagged).toMatch(/^t\d+ OK /);
      expect((await c.cmd('FETCH 1 FLAGS')).untagged).not.toMatch(/\\Seen|\\Deleted|\$Read/);
    } finally {
      c.close();
    }
  });
});

describe('BODY[1.1] of a single-part message', () => {
  it('is empty (RFC 3501 §6.4.5: part 1 of a non-multipart is the body; it has no part 1.1)', async () => {
    const c = await login();
    try {
      expect((await c.cmd('EXAMINE INBOX')).tagged).toMatch(/OK/);
      const r = await c.cmd('FETCH 1 (BODY.PEEK[1] BODY.PEEK[1.1] BODY.PEEK[1.1.MIME])');
      expect(r.tagged).toMatch(/OK/);
      expect(r.untagged).toMatch(/BODY\[1\] \{15\}\r\nthe only part\r\n/);
      expect(r.untagged).toMatch(/BODY\[1\.1\] (""|NIL|\{0\}\r\n)/);
      expect(r.untagged).not.toMatch(/BODY\[1\.1\] \{[1-9]/);
    } finally {
      c.close();
    }
  });
});
