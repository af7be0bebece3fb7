// CONTEXT=SEARCH (RFC 5267 §4) over real sockets: SEARCH RETURN (UPDATE) is answered as usual and then kept up to
// date — another session's APPEND, STORE and EXPUNGE reach this one as `* ESEARCH (TAG ...) [UID] ADDTO / REMOVEFROM
// (0 set)`, by UID or by message number; removals by number come before the EXPUNGE that renumbers, additions
// after the EXISTS that numbers them; in IDLE too. CANCELUPDATE ends an update, SELECT ends them all, a tag in use
// is BAD, the eleventh update is refused with NOUPDATE (the search itself still answers), CONTEXT alone is ALL.
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

const append = (c: RawImap, subject: string): Promise<string> => {
  const msg = `Subject: ${subject}\r\n\r\nbody\r\n`;
  return ok(c, `APPEND INBOX {${msg.length}+}\r\n${msg}`);
};

/** Two sessions of a new user on INBOX with five unseen messages: `a` keeps updates, `b` changes the mailbox. */
async function sessions(): Promise<{ a: RawImap; b: RawImap }> {
  const name = `cs-${++users}@example.org`;
  await t.addUser(name, 'pw');
  const a = await RawImap.open(t.port('imap', 0));
  const b = await RawImap.open(t.port('imap', 0));
  await ok(a, `LOGIN ${name} pw`);
  await ok(b, `LOGIN ${name} pw`);
  for (let i = 1; i <= 5; i++) await append(b, `m${i}`);
  await ok(a, 'SELECT INBOX');
  await ok(b, 'SELECT INBOX');
  return { a, b };
}

/** The untagged lines of a NOOP, FETCH FLAGS lines left out. */
async function noop(c: RawImap): Promise<string[]> {
  return (await ok(c, 'NOOP')).split('\r\n').filter((l) => l !== '' && !/ FETCH \(/.test(l));
}

describe('CONTEXT=SEARCH (RFC 5267 §4)', () => {
  it('is advertised', async () => {
    const { a, b } = await sessions();
    expect(await ok(a, 'CAPABILITY')).toMatch(/^\* CAPABILITY .* CONTEXT=SEARCH( |\r\n)/m);
    a.close();
    b.close();
  });

  it('keeps a UID SEARCH up to date: arrivals, flag changes and expunges of another session', async () => {
    const { a, b } = await sessions();
    const tag = `t${(a as unknown as { n: number }).n + 1}`;
    expect(await ok(a, 'UID SEARCH RETURN (UPDATE) UNSEEN')).toBe(`* ESEARCH (TAG "${tag}") UID\r\n`);
    await append(b, 'm6');
    expect(await noop(a)).toEqual(['* 6 EXISTS', `* ESEARCH (TAG "${tag}") UID ADDTO (0 6)`]);
    await ok(b, 'STORE 2,4 +FLAGS (\\Seen)');
    expect(await noop(a)).toEqual([`* ESEARCH (TAG "${tag}") UID REMOVEFROM (0 2,4)`]);
    await ok(b, 'STORE 3 +FLAGS (\\Deleted)');
    await ok(b, 'EXPUNGE');
    expect(await noop(a)).toEqual(['* 3 EXPUNGE', `* ESEARCH (TAG "${tag}") UID REMOVEFROM (0 3)`]);
    await ok(b, 'STORE 1 -FLAGS (\\Seen)'); // no change to the result: no line
    await ok(b, 'STORE 2 -FLAGS (\\Seen)');
    expect(await noop(a)).toEqual([`* ESEARCH (TAG "${tag}") UID ADDTO (0 2)`]);
    // A change of this session's own counts too, told with the command that made it.
    expect(await ok(a, 'UID STORE 5 +FLAGS.SILENT (\\Seen)')).toBe(`* ESEARCH (TAG "${tag}") UID REMOVEFROM (0 5)\r\n`);
    expect(await noop(a)).toEqual([]);
    a.close();
    b.close();
  });

  it('by message number: a removal comes before the EXPUNGE that renumbers, an addition after its EXISTS', async () => {
    const { a, b } = await sessions();
    const tag = `t${(a as unknown as { n: number }).n + 1}`;
    expect(await ok(a, 'SEARCH RETURN (COUNT UPDATE) UNSEEN')).toBe(`* ESEARCH (TAG "${tag}") COUNT 5\r\n`);
    await ok(b, 'STORE 3 +FLAGS (\\Deleted)');
    await ok(b, 'EXPUNGE');
    await append(b, 'm6');
    expect(await noop(a)).toEqual([`* ESEARCH (TAG "${tag}") REMOVEFROM (0 3)`, '* 3 EXPUNGE', '* 5 EXISTS', `* ESEARCH (TAG "${tag}") ADDTO (0 5)`]);
    a.close();
    b.close();
  });

  it('reaches a session in IDLE', async () => {
    const { a, b } = await sessions();
    const tag = `t${(a as unknown as { n: number }).n + 1}`;
    await ok(a, 'UID SEARCH RETURN (UPDATE) SUBJECT m7');
    a.write('idle IDLE\r\n');
    await a.untilLine((l) => l.startsWith('+ '));
    await append(b, 'm7');
    const { before } = await a.untilLine((l) => l.startsWith('* ESEARCH'));
    expect(before).toMatch(/\* 6 EXISTS\r\n/);
    a.write('DONE\r\n');
    await a.reply('idle');
    // The update's line itself, seen by untilLine, named UID 6.
    await append(b, 'm7 again');
    expect(await noop(a)).toEqual(['* 7 EXISTS', `* ESEARCH (TAG "${tag}") UID ADDTO (0 7)`]);
    a.close();
    b.close();
  });

  it('CANCELUPDATE ends an update, an unknown tag is NO; SELECT ends them all', async () => {
    const { a, b } = await sessions();
    const first = `t${(a as unknown as { n: number }).n + 1}`;
    await ok(a, 'UID SEARCH RETURN (UPDATE) UNSEEN');
    const second = `t${(a as unknown as { n: number }).n + 1}`;
    await ok(a, 'UID SEARCH RETURN (UPDATE) ALL');
    expect((await a.cmd('CANCELUPDATE "nope"')).tagged).toMatch(/ NO /);
    expect((await a.cmd(`CANCELUPDATE "${first}" "nope"`)).tagged).toMatch(/ NO /); // all or nothing
    await ok(a, `CANCELUPDATE "${first}"`);
    expect((await a.cmd(`CANCELUPDATE "${first}"`)).tagged).toMatch(/ NO /);
    await append(b, 'm6');
    expect(await noop(a)).toEqual(['* 6 EXISTS', `* ESEARCH (TAG "${second}") UID ADDTO (0 6)`]);
    await ok(a, 'SELECT INBOX');
    await append(b, 'm7');
    expect(await noop(a)).toEqual(['* 7 EXISTS']);
    expect((await a.cmd(`CANCELUPDATE "${second}"`)).tagged).toMatch(/ NO /);
    a.close();
    b.close();
  });

  it('refuses a tag in use (BAD) and an eleventh update (NOUPDATE, the search still answers); CONTEXT alone is ALL', async () => {
    const { a, b } = await sessions();
    a.write('dup UID SEARCH RETURN (UPDATE) ALL\r\n');
    expect((await a.reply('dup')).tagged).toMatch(/^dup OK /);
    a.write('dup UID SEARCH RETURN (UPDATE) ALL\r\n');
    expect((await a.reply('dup')).tagged).toMatch(/^dup BAD /);
    for (let i = 2; i <= 10; i++) await ok(a, 'UID SEARCH RETURN (UPDATE) ALL');
    const eleventh = `t${(a as unknown as { n: number }).n + 1}`;
    expect(await ok(a, 'UID SEARCH RETURN (UPDATE COUNT) ALL')).toBe(
      `* NO [NOUPDATE "${eleventh}"] Too many searches kept up to date\r\n* ESEARCH (TAG "${eleventh}") UID COUNT 5\r\n`,
    );
    const tag = `t${(a as unknown as { n: number }).n + 1}`;
    expect(await ok(a, 'SEARCH RETURN (CONTEXT) UNSEEN')).toBe(`* ESEARCH (TAG "${tag}") ALL 1:5\r\n`);
    expect((await a.cmd('SEARCH RETURN (UPDATE UPDATE) ALL')).tagged).toMatch(/ BAD /);
    a.close();
    b.close();
  });
});
