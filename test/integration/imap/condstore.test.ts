// CONDSTORE (RFC 7162 §3.1) over real sockets: advertised, ENABLE CONDSTORE, HIGHESTMODSEQ in SELECT and
// STATUS (and at once when a command enables CONDSTORE while a mailbox is selected), FETCH MODSEQ and
// (CHANGEDSINCE), STORE (UNCHANGEDSINCE) with [MODIFIED], SEARCH MODSEQ; every flag change, expunge and arrival
// raises the mailbox's HIGHESTMODSEQ. imapflow speaks it as a client would; raw transcripts pin the wire forms.
import { ImapFlow } from 'imapflow';
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

function highest(untagged: string): number {
  const m = /\* OK \[HIGHESTMODSEQ (\d+)\]/.exec(untagged);
  expect(m, `no HIGHESTMODSEQ in ${untagged}`).not.toBeNull();
  return Number(m![1]);
}

async function statusModseq(c: RawImap): Promise<number> {
  const r = await c.cmd(`STATUS ${box} (HIGHESTMODSEQ)`);
  expect(r.tagged).toMatch(/OK/);
  return Number(/HIGHESTMODSEQ (\d+)/.exec(r.untagged)![1]);
}

function modseqOf(line: string): number {
  return Number(/MODSEQ \((\d+)\)/.exec(line)![1]);
}

describe('CONDSTORE on the wire (RFC 7162 §3.1)', () => {
  it('is advertised after login and ENABLE CONDSTORE answers ENABLED CONDSTORE', async () => {
    const c = await RawImap.open(sessions.t.port('imap'));
    try {
      expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
      expect((await c.cmd('CAPABILITY')).untagged).toMatch(/^\* CAPABILITY .* CONDSTORE[ \r]/m);
      expect((await c.cmd('ENABLE CONDSTORE')).untagged).toBe('* ENABLED CONDSTORE\r\n');
      const sel = await c.cmd(`SELECT ${box}`);
      expect(sel.untagged).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\] /m);
      expect(sel.untagged).not.toContain('NOMODSEQ');
    } finally {
      c.close();
    }
  });

  it('SELECT (CONDSTORE) reports HIGHESTMODSEQ, equal to STATUS and to the highest MODSEQ of the messages', async () => {
    const sel = await a.cmd(`SELECT ${box} (CONDSTORE)`);
    const h = highest(sel.untagged);
    expect(await statusModseq(b)).toBe(h);
    const f = await a.cmd('FETCH 1:* (MODSEQ)');
    const mods = fetches(f.untagged).map((x) => modseqOf(x.line));
    expect(mods).toHaveLength(4);
    expect(Math.max(...mods)).toBe(h);
  });

  it('a CONDSTORE-enabling command while a mailbox is selected sends HIGHESTMODSEQ at once', async () => {
    const f = await a.cmd('FETCH 1 (UID MODSEQ)');
    expect(f.tagged).toMatch(/OK/);
    const h = highest(f.untagged);
    expect(f.untagged.indexOf('HIGHESTMODSEQ')).toBeLessThan(f.untagged.indexOf('FETCH'));
    expect(await statusModseq(b)).toBe(h);
    // Only once: the next one does not repeat it.
    expect((await a.cmd('FETCH 1 (MODSEQ)')).untagged).not.toContain('HIGHESTMODSEQ');
  });

  it('every flag change, expunge and arrival raises HIGHESTMODSEQ; EXPUNGE of nothing and a no-op STORE do not', async () => {
    let last = await statusModseq(b);
    const step = async (what: string, raises: boolean): Promise<void> => {
      const now = await statusModseq(b);
      if (raises) expect(now, what).toBeGreaterThan(last);
      else expect(now, what).toBe(last);
      last = now;
    };
    expect((await a.cmd('STORE 1 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    await step('flag change', true);
    expect((await a.cmd('STORE 1 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    await step('no-op STORE', false);
    expect((await a.cmd('EXPUNGE')).tagged).toMatch(/OK/);
    await step('EXPUNGE of nothing', false);
    expect((await a.cmd('STORE 2 +FLAGS (\\Deleted)')).tagged).toMatch(/OK/);
    await step('\\Deleted', true);
    expect((await a.cmd('EXPUNGE')).tagged).toMatch(/OK/);
    await step('expunge', true);
    const msg = 'Subject: new\r\n\r\nnew\r\n';
    a.write(`ap APPEND ${box} {${msg.length}+}\r\n${msg}\r\n`);
    expect((await a.reply('ap')).tagged).toMatch(/OK/);
    await step('arrival', true);
    expect((await a.cmd(`COPY 1 ${box}`)).tagged).toMatch(/OK/);
    await step('copy into the mailbox', true);
  });

  it('FETCH (CHANGEDSINCE) returns only what changed, with MODSEQ; a change by another session carries its MODSEQ', async () => {
    const h = highest((await a.cmd(`SELECT ${box} (CONDSTORE)`)).untagged);
    expect((await b.cmd('STORE 3 +FLAGS (\\Answered)')).tagged).toMatch(/OK/);
    const since = await a.cmd(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${h})`);
    expect(since.tagged).toMatch(/OK/);
    const got = fetches(since.untagged);
    // The other session's change, announced (with MODSEQ) and answered: seq 3 only.
    expect(got.map((x) => x.seq)).toEqual([3]);
    for (const x of got) {
      expect(x.flags).toContain('\\Answered');
      expect(modseqOf(x.line)).toBeGreaterThan(h);
    }
    const uidSince = await a.cmd(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${h})`);
    expect(fetches(uidSince.untagged).map((x) => x.seq)).toEqual([3]);
    expect(uidSince.untagged).toMatch(/^\* 3 FETCH \(.*UID \d+.*MODSEQ \(\d+\)/m);
    expect((await a.cmd(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${await statusModseq(b)})`)).untagged).toBe('');
  });

  it('STORE (UNCHANGEDSINCE) changes what is unchanged and answers [MODIFIED] with the rest', async () => {
    const h = highest((await a.cmd(`SELECT ${box} (CONDSTORE)`)).untagged);
    expect((await b.cmd('STORE 2 +FLAGS (\\Seen)')).tagged).toMatch(/OK/);
    const r = await a.cmd(`STORE 1:3 (UNCHANGEDSINCE ${h}) +FLAGS (\\Flagged)`);
    expect(r.tagged).toMatch(/^\S+ OK \[MODIFIED 2\] /);
    const changed = fetches(r.untagged).filter((x) => x.flags?.includes('\\Flagged'));
    expect(changed.map((x) => x.seq).sort()).toEqual([1, 3]);
    for (const x of changed) expect(modseqOf(x.line)).toBeGreaterThan(h);
    // UID STORE names UIDs in MODIFIED.
    const uids = [...(await a.cmd('FETCH 1:4 (UID)')).untagged.matchAll(/UID (\d+)/g)].map((m) => Number(m[1]));
    const u = await a.cmd(`UID STORE ${uids.join(',')} (UNCHANGEDSINCE ${h}) -FLAGS (\\Flagged)`);
    expect(u.tagged).toMatch(new RegExp(`OK \\[MODIFIED ${uids[0]}:${uids[2]}\\] `));
    // UNCHANGEDSINCE 0 always fails (RFC 7162 §3.1.3); .SILENT still reports the MODSEQ of a change.
    expect((await a.cmd('STORE 4 (UNCHANGEDSINCE 0) +FLAGS (\\Draft)')).tagged).toMatch(/OK \[MODIFIED 4\]/);
    const silent = await a.cmd(`STORE 4 +FLAGS.SILENT (\\Draft)`);
    expect(silent.untagged).toMatch(/^\* 4 FETCH \(MODSEQ \(\d+\)\)\r$/m);
  });

  it('SEARCH MODSEQ returns the matches and the highest MODSEQ among them', async () => {
    const h = highest((await a.cmd(`SELECT ${box} (CONDSTORE)`)).untagged);
    expect((await b.cmd('STORE 2,4 +FLAGS (\\Seen)')).tagged).toMatch(/OK/);
    const now = await statusModseq(b);
    const s = await a.cmd(`SEARCH MODSEQ ${h + 1}`);
    expect(s.untagged).toContain(`* SEARCH 2 4 (MODSEQ ${now})\r\n`);
    const e = await a.cmd(`SEARCH RETURN (ALL) MODSEQ ${h + 1}`);
    expect(e.untagged).toMatch(new RegExp(`ESEARCH \\(TAG "[^"]+"\\) ALL 2,4 MODSEQ ${now}`));
    expect((await a.cmd(`SEARCH MODSEQ ${now + 1}`)).untagged).toBe('* SEARCH\r\n');
  });
});

describe('CONDSTORE with imapflow', () => {
  it('enables CONDSTORE, reads modseqs, fetches changedSince and stores unchangedSince', async () => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: sessions.t.port('imap'),
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'alice@example.org', pass: 'pw-alice' },
      logger: false,
    });
    await c.connect();
    try {
      expect(c.capabilities.has('CONDSTORE')).toBe(true);
      expect(c.enabled.has('CONDSTORE')).toBe(true);
      const mb = await c.mailboxOpen(box);
      const h = BigInt(mb.highestModseq ?? 0);
      expect(h).toBeGreaterThan(0n);
      const st = await c.status(box, { highestModseq: true });
      expect(st === false ? null : st.highestModseq).toBe(h);
      expect((await b.cmd('STORE 2 +FLAGS ($Label1)')).tagged).toMatch(/OK/);
      const changed = [];
      for await (const m of c.fetch('1:*', { uid: true, flags: true }, { changedSince: h })) changed.push(m);
      expect(changed.map((m) => m.seq)).toEqual([2]);
      expect(changed[0]!.flags?.has('$Label1')).toBe(true);
      expect(BigInt(changed[0]!.modseq!)).toBeGreaterThan(h);
      // Message 2 changed after h: a conditional store leaves it alone.
      expect(await c.messageFlagsAdd('1:3', ['\\Flagged'], { unchangedSince: h })).toBe(true);
      const after = await statusModseq(b);
      const flagged = [];
      for await (const m of c.fetch('1:*', { flags: true })) if (m.flags?.has('\\Flagged')) flagged.push(m.seq);
      expect(flagged).toEqual([1, 3]);
      expect(after).toBeGreaterThan(Number(h));
    } finally {
      await c.logout();
    }
  });
});
