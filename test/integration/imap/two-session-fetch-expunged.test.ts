// Two raw IMAP sessions on one mailbox over real sockets (issue 13 item 4): a FETCH touching a message another
// session expunged answers the rest, sends Dovecot's NIL data for the lost one and ends with OK [EXPUNGEISSUED]
// (RFC 5530, RFC 2180 §4.1.2), never NO, which mutt treats as failure.
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

describe('FETCH of a message another session expunged (issue 13 item 4)', () => {
  async function expungeInB(seq: number): Promise<void> {
    expect((await b.cmd(`STORE ${seq} +FLAGS.SILENT (\\Deleted)`)).tagged).toMatch(/OK/);
    // A learns of \Deleted first, so that only the FETCH's own responses follow.
    expect((await a.cmd('NOOP')).untagged).toMatch(new RegExp(`^\\* ${seq} FETCH \\(FLAGS \\(\\\\Deleted\\)\\)`, 'm'));
    expect((await b.cmd('EXPUNGE')).tagged).toMatch(/OK/);
  }

  it('answers the others, NIL data for the expunged one, and OK [EXPUNGEISSUED]', async () => {
    await expungeInB(2);
    const r = await a.cmd('FETCH 1:4 (UID RFC822.SIZE BODY.PEEK[])');
    expect(r.tagged).toMatch(/^t\d+ OK \[EXPUNGEISSUED\]/);
    const got = fetches(r.untagged);
    expect(got.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    expect(got[1]!.line).toBe('(UID 2 RFC822.SIZE 0 BODY[] NIL)');
    for (const k of [0, 2, 3]) expect(got[k]!.line).toMatch(new RegExp(`^\\(UID ${k + 1} RFC822.SIZE \\d+ BODY\\[\\] \\{\\d+\\}$`));
    expect(r.untagged).toContain('body 3');
    // Not during FETCH (RFC 3501 §7.4.1); the next NOOP announces it.
    expect(r.untagged).not.toMatch(/EXPUNGE\r\n/);
    expect((await a.cmd('NOOP')).untagged).toMatch(/^\* 2 EXPUNGE\r\n/m);
  });

  it('gives Dovecot’s NIL replies for every item, and the UID when nothing else is left', async () => {
    await expungeInB(3);
    const r = await a.cmd('FETCH 3 (FLAGS INTERNALDATE ENVELOPE BODY BODYSTRUCTURE BODY.PEEK[HEADER] RFC822.HEADER BINARY.SIZE[])');
    expect(r.tagged).toMatch(/OK \[EXPUNGEISSUED\]/);
    expect(fetches(r.untagged).map((f) => f.line)).toEqual([
      '(FLAGS () INTERNALDATE "01-Jan-1970 00:00:00 +0000" ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ' +
        'BODY ("text" "plain" NIL NIL NIL "7bit" 0 0) BODYSTRUCTURE ("text" "plain" NIL NIL NIL "7bit" 0 0 NIL NIL NIL NIL) ' +
        'BODY[HEADER] NIL RFC822.HEADER NIL BINARY.SIZE[] 0)',
    ]);
    const modseqOnly = await a.cmd('FETCH 3 (MODSEQ)');
    expect(modseqOnly.tagged).toMatch(/OK \[EXPUNGEISSUED\]/);
    expect(fetches(modseqOnly.untagged).map((f) => f.line)).toEqual(['(UID 3)']);
  });

  it('UID FETCH of a UID still in the session’s view does the same', async () => {
    await expungeInB(1);
    const r = await a.cmd('UID FETCH 1:2 (FLAGS BODY.PEEK[TEXT])');
    expect(r.tagged).toMatch(/OK \[EXPUNGEISSUED\]/);
    const got = fetches(r.untagged);
    expect(got.map((f) => f.line)).toEqual(['(UID 1 FLAGS () BODY[TEXT] NIL)', expect.stringMatching(/^\(UID 2 FLAGS \(\) BODY\[TEXT\] \{\d+\}$/)]);
  });
});
