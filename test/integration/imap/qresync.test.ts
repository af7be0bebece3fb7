// QRESYNC (RFC 7162 §3.2) on the wire: ENABLE QRESYNC, SELECT/EXAMINE (QRESYNC (uidvalidity modseq
// [known-uids [seq-match-data]])) answering VANISHED (EARLIER) and FETCH (UID FLAGS MODSEQ), VANISHED instead of
// EXPUNGE once enabled, UID FETCH (CHANGEDSINCE m VANISHED), OK [CLOSED] on reselect, BAD without ENABLE; and
// imapflow with qresync: true reconnecting with changedSince and uidValidity.
import { ImapFlow } from 'imapflow';
import { beforeEach, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { fetches, useTwoSessions } from '../../support/two-sessions.js';

const sessions = useTwoSessions();
let a: RawImap;
let b: RawImap;
let box = '';
let uids: number[] = [];
let uidValidity = 0;
let modseq = 0;

beforeEach(async () => {
  ({ a, b, box } = sessions);
  expect((await a.cmd('LOGOUT')).tagged).toMatch(/OK/);
  a = await RawImap.open(sessions.t.port('imap'));
  expect((await a.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
  const st = await b.cmd(`STATUS ${box} (UIDVALIDITY HIGHESTMODSEQ)`);
  uidValidity = Number(/UIDVALIDITY (\d+)/.exec(st.untagged)![1]);
  modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(st.untagged)![1]);
  uids = [...(await b.cmd('FETCH 1:* (UID)')).untagged.matchAll(/UID (\d+)/g)].map((m) => Number(m[1]));
  return () => a.close();
});

describe('QRESYNC on the wire (RFC 7162 §3.2)', () => {
  it('ENABLE QRESYNC answers ENABLED QRESYNC; the QRESYNC parameter without it is BAD', async () => {
    expect((await a.cmd(`SELECT ${box} (QRESYNC (${uidValidity} ${modseq}))`)).tagged).toMatch(/^\S+ BAD /);
    expect((await a.cmd('ENABLE QRESYNC')).untagged).toBe('* ENABLED QRESYNC\r\n');
    const sel = await a.cmd(`SELECT ${box} (QRESYNC (${uidValidity} ${modseq}))`);
    expect(sel.tagged).toMatch(/OK \[READ-WRITE\]/);
    expect(sel.untagged).toContain(`* OK [HIGHESTMODSEQ ${modseq}]`);
    expect(sel.untagged).not.toContain('VANISHED');
    expect(fetches(sel.untagged)).toEqual([]);
  });

  it('SELECT (QRESYNC ...) reports VANISHED (EARLIER) and FETCH of what changed since, only for known UIDs', async () => {
    expect((await b.cmd('STORE 2 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
    expect((await b.cmd('EXPUNGE')).tagged).toMatch(/OK/);
    expect((await b.cmd('STORE 2 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/); // was message 3
    expect((await a.cmd('ENABLE QRESYNC')).tagged).toMatch(/OK/);
    const sel = await a.cmd(`EXAMINE ${box} (QRESYNC (${uidValidity} ${modseq}))`);
    expect(sel.untagged).toContain(`* VANISHED (EARLIER) ${uids[1]}\r\n`);
    expect(sel.untagged).toMatch(new RegExp(`^\\* 2 FETCH \\(UID ${uids[2]} FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)\\r$`, 'm'));
    expect(sel.untagged.indexOf('VANISHED')).toBeLessThan(sel.untagged.indexOf(' FETCH '));
    // known-uids: only those are reported (with seq-match-data, which is accepted).
    const known = await a.cmd(`EXAMINE ${box} (QRESYNC (${uidValidity} ${modseq} ${uids[0]}:${uids[1]} (1:2 ${uids[0]}:${uids[1]})))`);
    expect(known.untagged).toMatch(/^\* OK \[CLOSED\]/m);
    expect(known.untagged).toContain(`* VANISHED (EARLIER) ${uids[1]}\r\n`);
    expect(fetches(known.untagged)).toEqual([]);
    // Another UIDVALIDITY: the client's cache is void, nothing is reported.
    const other = await a.cmd(`EXAMINE ${box} (QRESYNC (${uidValidity + 1} ${modseq}))`);
    expect(other.untagged).not.toContain('VANISHED');
    expect(fetches(other.untagged)).toEqual([]);
  });

  it('once QRESYNC is enabled, expunges are announced with VANISHED, never EXPUNGE', async () => {
    expect((await a.cmd('ENABLE QRESYNC')).tagged).toMatch(/OK/);
    expect((await a.cmd(`SELECT ${box}`)).tagged).toMatch(/OK/);
    expect((await b.cmd('STORE 1,3 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
    expect((await b.cmd('EXPUNGE')).tagged).toMatch(/OK/);
    const noop = await a.cmd('NOOP');
    expect(noop.untagged).toContain(`* VANISHED ${uids[0]},${uids[2]}\r\n`);
    expect(noop.untagged).not.toContain('EXPUNGE');
    // Its own EXPUNGE too.
    expect((await a.cmd('STORE 1 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
    const own = await a.cmd('EXPUNGE');
    expect(own.untagged).toBe(`* VANISHED ${uids[1]}\r\n`);
    // Without QRESYNC, B still gets EXPUNGE.
    expect((await b.cmd('NOOP')).untagged).toMatch(/^\* 1 EXPUNGE\r$/m);
  });

  it('UID FETCH (CHANGEDSINCE m VANISHED) reports the set\'s expunged UIDs first; VANISHED alone is BAD', async () => {
    expect((await a.cmd('ENABLE QRESYNC')).tagged).toMatch(/OK/);
    expect((await a.cmd(`SELECT ${box}`)).tagged).toMatch(/OK/);
    expect((await a.cmd(`UID FETCH 1:* (FLAGS) (VANISHED)`)).tagged).toMatch(/^\S+ BAD /);
    expect((await a.cmd(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`)).tagged).toMatch(/^\S+ BAD /);
    expect((await b.cmd('STORE 4 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
    expect((await b.cmd('EXPUNGE')).tagged).toMatch(/OK/);
    expect((await a.cmd('NOOP')).untagged).toContain(`* VANISHED ${uids[3]}\r\n`);
    expect((await b.cmd('STORE 1 +FLAGS (\\Seen)')).tagged).toMatch(/OK/);
    const f = await a.cmd(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    expect(f.tagged).toMatch(/OK/);
    expect(f.untagged).toMatch(new RegExp(`^\\* VANISHED \\(EARLIER\\) ${uids[3]}\\r\\n\\* 1 FETCH \\(UID ${uids[0]} FLAGS \\(\\\\Seen\\) MODSEQ`));
    // Outside the set: not reported.
    const g = await a.cmd(`UID FETCH ${uids[0]}:${uids[1]} (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    expect(g.untagged).not.toContain('VANISHED');
  });
});

describe('QRESYNC with imapflow', () => {
  it('enables QRESYNC and reports what happened while away as expunge (vanished, earlier) and flags events', async () => {
    expect((await b.cmd('STORE 1 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
    expect((await b.cmd('EXPUNGE')).tagged).toMatch(/OK/);
    expect((await b.cmd('STORE 2 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/); // uids[2]
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: sessions.t.port('imap'),
      secure: false,
      doSTARTTLS: false,
      qresync: true,
      auth: { user: 'alice@example.org', pass: 'pw-alice' },
      logger: false,
    });
    const expunged: Array<{ uid?: number; vanished?: boolean; earlier?: boolean }> = [];
    const flagged: Array<{ uid?: number; flags: Set<string> }> = [];
    c.on('expunge', (e: { uid?: number; vanished?: boolean; earlier?: boolean }) => expunged.push(e));
    c.on('flags', (e: { uid?: number; flags: Set<string> }) => flagged.push(e));
    await c.connect();
    try {
      expect(c.enabled.has('QRESYNC')).toBe(true);
      const mb = await c.mailboxOpen(box, { changedSince: BigInt(modseq), uidValidity: BigInt(uidValidity) } as never);
      expect(BigInt(mb.highestModseq ?? 0)).toBeGreaterThan(BigInt(modseq));
      expect(expunged).toEqual([expect.objectContaining({ uid: uids[0], vanished: true, earlier: true })]);
      expect(flagged.map((f) => [f.uid, [...f.flags]])).toEqual([[uids[2], ['\\Flagged']]]);
      // Live: another session's expunge arrives as VANISHED (not EARLIER).
      expect((await b.cmd('STORE 1 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
      expect((await b.cmd('EXPUNGE')).tagged).toMatch(/OK/);
      await c.noop();
      expect(expunged.slice(1)).toEqual([expect.objectContaining({ uid: uids[1], vanished: true, earlier: false })]);
    } finally {
      await c.logout();
    }
  });
});
