// Two raw IMAP sessions on one mailbox over real sockets (issue 13 item 3): STORE .SILENT suppresses only the
// echo of the session's own change, never another session's (RFC 3501 §6.4.6); non-silent STORE reports the
// merged flags once.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RawImap } from '../../support/imap-raw.js';
import { fetches, useTwoSessions } from '../../support/two-sessions.js';

const sessions = useTwoSessions();
let a: RawImap;
let b: RawImap;
let box = '';
beforeEach(() => {
  ({ a, b, box } = sessions);
});

describe('STORE .SILENT and flag changes made by another session (issue 13 item 3)', () => {
  it('reports the full current flags when another session changed the message first', async () => {
    expect((await b.cmd('STORE 1 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    const silent = await a.cmd('STORE 1 +FLAGS.SILENT (\\Seen)');
    expect(silent.tagged).toMatch(/OK/);
    expect(fetches(silent.untagged)).toEqual([expect.objectContaining({ seq: 1, flags: ['\\Flagged', '\\Seen'] })]);
    // Reported once: nothing left pending for the next command.
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
  });

  it('also with UID STORE, and only for the messages another session changed', async () => {
    expect((await b.cmd('STORE 2 +FLAGS (\\Answered)')).tagged).toMatch(/OK/);
    const silent = await a.cmd('UID STORE 1:4 +FLAGS.SILENT (\\Seen)');
    expect(silent.tagged).toMatch(/OK/);
    const got = fetches(silent.untagged);
    expect(got.map((f) => f.seq)).toEqual([2]);
    expect(got[0]!.flags).toEqual(['\\Answered', '\\Seen']);
    expect(got[0]!.line).toMatch(/UID 2\b/);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
  });

  it('stays silent about the session’s own change when nobody else changed the message', async () => {
    const silent = await a.cmd('STORE 3 +FLAGS.SILENT (\\Seen)');
    expect(fetches(silent.untagged)).toEqual([]);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
    // Another session's change already announced to A is not repeated by A's later silent STORE.
    expect((await b.cmd('STORE 4 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([expect.objectContaining({ seq: 4, flags: ['\\Flagged'] })]);
    expect(fetches((await a.cmd('STORE 4 +FLAGS.SILENT (\\Seen)')).untagged)).toEqual([]);
  });

  it('a later change by another session survives A’s silent STORE of the same message', async () => {
    // B's change lands while A's STORE is in flight: pipelined so that both are processed together.
    b.write('b1 STORE 1 +FLAGS (\\Draft)\r\n');
    a.write('s1 STORE 1 +FLAGS.SILENT (\\Seen)\r\n');
    expect((await b.reply('b1')).tagged).toMatch(/OK/);
    const silent = await a.reply('s1');
    const noop = await a.cmd('NOOP');
    const seen = fetches(silent.untagged + noop.untagged);
    // Whatever the order, A ends up told the full flags (\Draft \Seen) exactly as the store has them.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[seen.length - 1]!.flags).toEqual(['\\Draft', '\\Seen']);
  });

  it('non-silent STORE reports the merged flags once, with the other session’s change included', async () => {
    expect((await b.cmd('STORE 2 +FLAGS (\\Draft)')).tagged).toMatch(/OK/);
    const loud = await a.cmd('STORE 2 +FLAGS (\\Seen)');
    expect(fetches(loud.untagged)).toEqual([expect.objectContaining({ seq: 2, flags: ['\\Draft', '\\Seen'] })]);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
  });
});
