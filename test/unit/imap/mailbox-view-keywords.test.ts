// Keyword announcements in the selected-mailbox view (issue 13 item 2; RFC 9051 §7.3.5, §7.1): FLAGS and
// PERMANENTFLAGS go out before the first FETCH that shows a keyword the session was not told of — whether the
// feed reported it new to the mailbox or the session merely saw it on a message (a write by another process,
// whose feed does not reach this one) — and only once.
import { describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import type { MailboxInfo } from '../../../src/store/types.js';
import { MailboxView } from '../../../src/imap/mailbox-view.js';

const INFO: MailboxInfo = {
  id: 7, userId: 1, name: 'INBOX', specialUse: null, subscribed: true, uidValidity: 1, uidNext: 4, highestModseq: 3,
  messages: 3, unseen: 0, bytes: 30, requireTlsMessages: 0, objectId: 'F1',
};
const SYSTEM = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

function view(readOnly = false): { v: MailboxView; send: (c: MailboxChange) => void } {
  let record: ((c: MailboxChange) => void) | null = null;
  const v = new MailboxView(INFO, [1, 2, 3], (r) => ((record = r), () => undefined), { tls: true, readOnly, condstore: () => false }, Infinity, ['$Known']);
  return { v, send: (c) => record!(c) };
}

const text = (wires: Buffer[]): string => wires.map((w) => w.toString('latin1')).join('');

describe('keyword announcements (issue 13 item 2)', () => {
  it('starts from the snapshot’s keywords', () => {
    const { v } = view();
    expect(v.flagsResponse().toString()).toBe(`* FLAGS (${SYSTEM} $Known)\r\n`);
    expect(v.permanentFlagsResponse().toString()).toBe(`* OK [PERMANENTFLAGS (${SYSTEM} $Known \\*)] Flags permitted\r\n`);
    expect(view(true).v.permanentFlagsResponse().toString()).toBe('* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n');
  });

  it('announces a keyword seen on a message without any feed change, once, case-insensitively', () => {
    const { v } = view();
    expect(v.keywordUpdate(['\\Seen', '$known'])).toEqual([]);
    expect(text(v.keywordUpdate(['$Elsewhere', '\\Seen']))).toBe(
      `* FLAGS (${SYSTEM} $Known $Elsewhere)\r\n* OK [PERMANENTFLAGS (${SYSTEM} $Known $Elsewhere \\*)] Flags permitted\r\n`,
    );
    expect(v.keywordUpdate(['$ELSEWHERE'])).toEqual([]);
  });

  it('a flush puts FLAGS before the FETCH of a message that shows the new keyword', () => {
    const { v, send } = view();
    send({ kind: 'keywords', mailboxId: 7, keywords: ['$Known', '$New'] });
    send({ kind: 'flags', mailboxId: 7, uid: 2, flags: ['$New'], modseq: 4 });
    expect(text(v.flush({ allowExpunge: true, uidInFetch: false }))).toBe(
      `* FLAGS (${SYSTEM} $Known $New)\r\n* OK [PERMANENTFLAGS (${SYSTEM} $Known $New \\*)] Flags permitted\r\n* 2 FETCH (FLAGS ($New))\r\n`,
    );
    expect(v.flush({ allowExpunge: true, uidInFetch: false })).toEqual([]);
  });

  it('a read-only view is told FLAGS and PERMANENTFLAGS () (RFC 3501 §6.3.2)', () => {
    const { v, send } = view(true);
    send({ kind: 'keywords', mailboxId: 7, keywords: ['$Known', '$New'] });
    expect(text(v.flush({ allowExpunge: true, uidInFetch: false }))).toBe(`* FLAGS (${SYSTEM} $Known $New)\r\n* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n`);
  });
});
