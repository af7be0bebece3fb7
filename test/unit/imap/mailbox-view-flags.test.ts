// Flag changes in the selected-mailbox view (issue 13 item 3; RFC 3501 §6.4.6): a session's own change,
// reported or .SILENT, never makes the view forget a change by another session — committed before it (the
// session was never told) or after it (the feed delivered it before the command's continuation ran).
import { describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import type { MailboxInfo } from '../../../src/store/types.js';
import { MailboxView } from '../../../src/imap/mailbox-view.js';

const INFO: MailboxInfo = {
  id: 7,
  userId: 1,
  name: 'INBOX',
  specialUse: null,
  subscribed: true,
  uidValidity: 1,
  uidNext: 4,
  highestModseq: 3,
  messages: 3,
  unseen: 0,
  bytes: 30,
  requireTlsMessages: 0,
  objectId: 'F1',
};

function view(): { v: MailboxView; send: (c: MailboxChange) => void; flushed: () => string } {
  let record: ((c: MailboxChange) => void) | null = null;
  const v = new MailboxView(INFO, [1, 2, 3], (r) => ((record = r), () => undefined), { tls: true, readOnly: false, condstore: () => true });
  const flushed = (): string =>
    v
      .flush({ allowExpunge: true, uidInFetch: false })
      .map((w) => w.toString('latin1'))
      .join('');
  return { v, send: (c) => record!(c), flushed };
}

const flags = (uid: number, list: string[], modseq: number): MailboxChange => ({ kind: 'flags', mailboxId: 7, uid, flags: list, modseq });

describe('MailboxView.ownFlagChange', () => {
  it('silent: hides the own change alone', () => {
    const { v, send, flushed } = view();
    send(flags(2, ['\\Seen'], 5));
    v.ownFlagChange(2, 5, false);
    expect(flushed()).toBe('');
  });

  it('silent: an earlier change by another session is reported with the full current flags', () => {
    const { v, send, flushed } = view();
    send(flags(2, ['\\Flagged'], 4));
    send(flags(2, ['\\Flagged', '\\Seen'], 5));
    v.ownFlagChange(2, 5, false);
    expect(flushed()).toBe('* 2 FETCH (FLAGS (\\Flagged \\Seen) MODSEQ (5))\r\n');
  });

  for (const reported of [true, false]) {
    it(`${reported ? 'reported' : 'silent'}: a later change by another session, delivered first, stays pending`, () => {
      const { v, send, flushed } = view();
      send(flags(2, ['\\Seen'], 5));
      send(flags(2, ['\\Draft', '\\Seen'], 6));
      v.ownFlagChange(2, 5, reported);
      expect(flushed()).toBe('* 2 FETCH (FLAGS (\\Draft \\Seen) MODSEQ (6))\r\n');
    });
  }

  it('reported: the reply carried the full flags, nothing is left to announce', () => {
    const { v, send, flushed } = view();
    send(flags(2, ['\\Flagged'], 4));
    send(flags(2, ['\\Flagged', '\\Seen'], 5));
    v.ownFlagChange(2, 5, true);
    expect(flushed()).toBe('');
  });

  it('a change already announced is not repeated by a later silent change', () => {
    const { v, send, flushed } = view();
    send(flags(1, ['\\Flagged'], 4));
    expect(flushed()).toBe('* 1 FETCH (FLAGS (\\Flagged) MODSEQ (4))\r\n');
    send(flags(1, ['\\Flagged', '\\Seen'], 5));
    v.ownFlagChange(1, 5, false);
    expect(flushed()).toBe('');
  });
});
