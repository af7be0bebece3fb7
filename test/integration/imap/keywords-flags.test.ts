// Keywords in FLAGS and PERMANENTFLAGS over real sockets (RFC 9051 §7.3.5, §7.1; RFC 3501 §6.3.1, §6.3.2;
// issue 13 item 2), as Dovecot does it: SELECT lists the keywords ever used in the mailbox, PERMANENTFLAGS adds
// \* (EXAMINE: none), and a keyword new to the mailbox is announced with FLAGS and PERMANENTFLAGS to every
// session that has it selected before the first FETCH that shows it — the STORE's own echo included.
import { beforeEach, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { fetches, useTwoSessions } from '../../support/two-sessions.js';

const sessions = useTwoSessions();
let a: RawImap;
let b: RawImap;
let box = '';
beforeEach(() => {
  ({ a, b, box } = sessions);
});

const SYSTEM = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

/** The keyword lists of every `* FLAGS` and `* OK [PERMANENTFLAGS` response, in order, with their offsets. */
function announcements(untagged: string): Array<{ at: number; flags: string; permanent: string | null }> {
  const out: Array<{ at: number; flags: string; permanent: string | null }> = [];
  for (const m of untagged.matchAll(/^\* FLAGS \(([^)]*)\)\r?$/gm)) {
    const after = untagged.slice(m.index + m[0].length);
    const p = /^\r?\n?\* OK \[PERMANENTFLAGS \(([^)]*)\)\]/.exec(after);
    out.push({ at: m.index, flags: m[1]!, permanent: p ? p[1]! : null });
  }
  return out;
}

function fetchAt(untagged: string, seq: number): number {
  const at = untagged.search(new RegExp(`^\\* ${seq} FETCH `, 'm'));
  expect(at, `no FETCH for ${seq} in ${untagged}`).toBeGreaterThanOrEqual(0);
  return at;
}

async function appendTo(c: RawImap, mailbox: string, flags: string): Promise<void> {
  const msg = 'Subject: kw\r\n\r\nkeyword mail\r\n';
  const tag = c.nextTag();
  c.write(`${tag} APPEND ${mailbox} (${flags}) {${msg.length}+}\r\n${msg}\r\n`);
  expect((await c.reply(tag)).tagged).toMatch(/OK/);
}

describe('keywords in FLAGS and PERMANENTFLAGS (issue 13 item 2)', () => {
  it('SELECT lists the keywords in use and \\* in PERMANENTFLAGS; EXAMINE permits nothing', async () => {
    expect((await a.cmd('STORE 1 +FLAGS ($Forwarded Junk)')).tagged).toMatch(/OK/);
    const sel = await b.cmd(`SELECT ${box}`);
    expect(sel.untagged).toContain(`* FLAGS (${SYSTEM} $Forwarded Junk)\r\n`);
    expect(sel.untagged).toContain(`* OK [PERMANENTFLAGS (${SYSTEM} $Forwarded Junk \\*)] Flags permitted\r\n`);
    const ex = await b.cmd(`EXAMINE ${box}`);
    expect(ex.untagged).toContain(`* FLAGS (${SYSTEM} $Forwarded Junk)\r\n`);
    expect(ex.untagged).toContain('* OK [PERMANENTFLAGS ()]');
  });

  it('the session that introduces a keyword is told FLAGS before its own STORE echo, once', async () => {
    const first = await a.cmd('STORE 2 +FLAGS ($Work)');
    const told = announcements(first.untagged);
    expect(told).toEqual([{ at: expect.any(Number), flags: `${SYSTEM} $Work`, permanent: `${SYSTEM} $Work \\*` }]);
    expect(told[0]!.at).toBeLessThan(fetchAt(first.untagged, 2));
    // Known now, in any case: no second announcement.
    const again = await a.cmd('STORE 3 +FLAGS ($Work)');
    expect(announcements(again.untagged)).toEqual([]);
    expect(fetches(again.untagged)).toEqual([expect.objectContaining({ seq: 3, flags: ['$Work'] })]);
    expect(announcements((await a.cmd('NOOP')).untagged)).toEqual([]);
  });

  it('so is a .SILENT STORE that introduces one, by the end of the command', async () => {
    const silent = await a.cmd('STORE 1 +FLAGS.SILENT ($Quiet)');
    expect(announcements(silent.untagged).map((x) => x.flags)).toEqual([`${SYSTEM} $Quiet`]);
  });

  it('another session is told FLAGS before the FETCH that shows the keyword', async () => {
    expect((await a.cmd('STORE 1 +FLAGS ($Other)')).tagged).toMatch(/OK/);
    const noop = await b.cmd('NOOP');
    const told = announcements(noop.untagged);
    expect(told.map((x) => [x.flags, x.permanent])).toEqual([[`${SYSTEM} $Other`, `${SYSTEM} $Other \\*`]]);
    expect(told[0]!.at).toBeLessThan(fetchAt(noop.untagged, 1));
  });

  it('a FETCH by a session that first sees the keyword on a message comes after FLAGS', async () => {
    expect((await a.cmd('STORE 4 +FLAGS ($Seen-By-B)')).tagged).toMatch(/OK/);
    const fetch = await b.cmd('FETCH 1:4 (FLAGS)');
    const told = announcements(fetch.untagged);
    expect(told.map((x) => x.flags)).toEqual([`${SYSTEM} $Seen-By-B`]);
    expect(told[0]!.at).toBeLessThan(fetchAt(fetch.untagged, 4));
    expect(announcements((await b.cmd('NOOP')).untagged)).toEqual([]);
  });

  it('APPEND and COPY into the selected mailbox announce their keywords before the new message shows them', async () => {
    await appendTo(b, box, '$Appended');
    const noop = await a.cmd('NOOP');
    expect(announcements(noop.untagged).map((x) => x.flags)).toEqual([`${SYSTEM} $Appended`]);
    expect(fetches((await a.cmd('FETCH 5 FLAGS')).untagged)[0]!.flags).toEqual(['$Appended']);

    expect((await b.cmd('CREATE Elsewhere-kw')).tagged).toMatch(/OK|NO/);
    await appendTo(b, 'Elsewhere-kw', '$Copied \\Seen');
    expect((await b.cmd('SELECT Elsewhere-kw')).tagged).toMatch(/OK/);
    const copy = await b.cmd(`UID COPY 1:* ${box}`);
    expect(copy.tagged).toMatch(/OK/);
    const fetch = await a.cmd('FETCH 1:* (FLAGS)'); // the EXISTS comes after it; FETCH of 1:4 shows none of $Copied
    const noop2 = await a.cmd('NOOP');
    const told = announcements(fetch.untagged + noop2.untagged);
    expect(told.map((x) => x.flags)).toEqual([`${SYSTEM} $Appended $Copied`]);
    const shown = await a.cmd('FETCH 6 (FLAGS)');
    // \Recent too: A is the first session with the mailbox selected to learn of the copy (issue 13 item 1).
    expect(fetches(shown.untagged)[0]!.flags).toEqual(['$Copied', '\\Recent', '\\Seen']);
  });

  it('the list only grows: a keyword no message carries any more is still listed', async () => {
    expect((await a.cmd('STORE 1 +FLAGS ($Gone)')).tagged).toMatch(/OK/);
    expect((await a.cmd('STORE 1 -FLAGS ($Gone)')).tagged).toMatch(/OK/);
    expect((await a.cmd(`SELECT ${box}`)).untagged).toContain(`* FLAGS (${SYSTEM} $Gone)\r\n`);
  });
});
