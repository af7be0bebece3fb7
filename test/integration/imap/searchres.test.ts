// SEARCHRES (RFC 5182) over real sockets: SEARCH RETURN (SAVE) keeps its result silently (or answers the other
// return options), `$` names the saved messages in FETCH, STORE, COPY, UID EXPUNGE and SEARCH, by sequence number
// or by UID, follows expunges, keeps only MIN/MAX when those alone are asked, is emptied by a failed SEARCH and by
// SELECT, and a SEARCH without SAVE leaves it alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let users = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function ok(c: RawImap, command: string): Promise<string> {
  const r = await c.cmd(command);
  expect(r.tagged, command).toMatch(/ OK /);
  return r.untagged.replace(/^\* \d+ RECENT\r\n/gm, ''); // \Recent is not the subject here
}

/** Sequence number → UID of the FETCH responses to `FETCH $ UID` (or `UID FETCH $ UID`). */
async function saved(c: RawImap, uid = false): Promise<string> {
  const text = await ok(c, `${uid ? 'UID ' : ''}FETCH $ UID`);
  return [...text.matchAll(/^\* (\d+) FETCH \(UID (\d+)\)/gm)].map((m) => `${m[1]}:${m[2]}`).join(' ');
}

async function mailbox(): Promise<RawImap> {
  const name = `sr-${++users}@example.org`;
  await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap', 0));
  await ok(c, `LOGIN ${name} pw`);
  for (let i = 1; i <= 5; i++) {
    const msg = `Subject: m${i}\r\n\r\nbody ${i}\r\n`;
    await ok(c, `APPEND INBOX {${msg.length}+}\r\n${msg}`);
  }
  await ok(c, 'SELECT INBOX');
  return c;
}

describe('SEARCHRES (RFC 5182)', () => {
  it('is advertised', async () => {
    const c = await mailbox();
    expect(await ok(c, 'CAPABILITY')).toMatch(/^\* CAPABILITY .* SEARCHRES( |\r\n)/m);
    c.close();
  });

  it('SAVE alone answers nothing; $ names the saved messages by number and by UID', async () => {
    const c = await mailbox();
    expect(await saved(c)).toBe(''); // empty after SELECT
    expect(await ok(c, 'SEARCH RETURN (SAVE) 2:4')).toBe('');
    expect(await saved(c)).toBe('2:2 3:3 4:4');
    expect(await saved(c, true)).toBe('2:2 3:3 4:4');
    expect(await ok(c, 'SEARCH RETURN (ALL) 1')).toMatch(/^\* ESEARCH \(TAG "t\d+"\) ALL 1\r\n$/);
    expect(await ok(c, 'SEARCH 5')).toBe('* SEARCH 5\r\n');
    expect(await saved(c)).toBe('2:2 3:3 4:4'); // a SEARCH without SAVE leaves it
    expect(await ok(c, 'SEARCH $')).toBe('* SEARCH 2 3 4\r\n');
    expect(await ok(c, 'UID SEARCH UID $ NOT 3')).toBe('* SEARCH 2 4\r\n');
    expect(await ok(c, 'SEARCH NOT $')).toBe('* SEARCH 1 5\r\n');
    // $ in the command that saves is the previous result (RFC 5182 §2.1).
    expect(await ok(c, 'SEARCH RETURN (SAVE COUNT) $ 3:5')).toMatch(/^\* ESEARCH \(TAG "t\d+"\) COUNT 2\r\n$/);
    expect(await saved(c)).toBe('3:3 4:4');
    expect(await ok(c, 'STORE $ +FLAGS.SILENT (\\Flagged)')).toBe('');
    expect(await ok(c, 'SEARCH FLAGGED')).toBe('* SEARCH 3 4\r\n');
    expect(await ok(c, 'CREATE Box')).toBe('');
    expect((await c.cmd('COPY $ Box')).tagged).toMatch(/ OK \[COPYUID \d+ 3:4 1:2\]/);
    c.close();
  });

  it('MIN and MAX alone keep only those; an expunged message drops out; SELECT and a failed SAVE empty it', async () => {
    const c = await mailbox();
    expect(await ok(c, 'SEARCH RETURN (MIN SAVE) 2:4')).toMatch(/MIN 2\r\n$/);
    expect(await saved(c)).toBe('2:2');
    expect(await ok(c, 'SEARCH RETURN (MIN MAX SAVE) 2:4')).toMatch(/MIN 2 MAX 4\r\n$/);
    expect(await saved(c)).toBe('2:2 4:4');
    expect(await ok(c, 'SEARCH RETURN (MIN MAX SAVE) 3')).toMatch(/MIN 3 MAX 3\r\n$/);
    expect(await saved(c)).toBe('3:3');
    expect(await ok(c, 'UID SEARCH RETURN (MIN ALL SAVE) UID 2:5')).toMatch(/UID MIN 2 ALL 2:5\r\n$/);
    await ok(c, 'UID STORE 3 +FLAGS.SILENT (\\Deleted)');
    expect(await ok(c, 'UID EXPUNGE 3')).toBe('* 3 EXPUNGE\r\n');
    expect(await saved(c)).toBe('2:2 3:4 4:5'); // UID 3 is gone; the others are renumbered
    expect(await ok(c, 'UID STORE $ +FLAGS (\\Deleted)')).toMatch(/^\* 2 FETCH/);
    expect(await ok(c, 'UID EXPUNGE $')).toBe('* 4 EXPUNGE\r\n* 3 EXPUNGE\r\n* 2 EXPUNGE\r\n');
    expect(await saved(c)).toBe('');
    expect(await ok(c, 'SEARCH RETURN (SAVE) ALL')).toBe('');
    expect(await saved(c)).toBe('1:1');
    expect((await c.cmd('SEARCH RETURN (SAVE) CHARSET X-UNKNOWN ALL')).tagged).toMatch(/ NO \[BADCHARSET/);
    expect(await saved(c)).toBe(''); // RFC 5182 §2.1: a failed SAVE leaves it empty
    expect(await ok(c, 'SEARCH RETURN (SAVE) ALL')).toBe('');
    expect(await saved(c)).toBe('1:1');
    await ok(c, 'SELECT INBOX');
    expect(await saved(c)).toBe('');
    await ok(c, 'UNSELECT');
    expect((await c.cmd('FETCH $ UID')).tagged).toMatch(/ BAD /); // no mailbox selected
    c.close();
  });
});
