// Log lines for mail removed by a user's own command (SPEC R10.4, issue 16 item 8): IMAP EXPUNGE, UID EXPUNGE,
// CLOSE and MOVE, POP3 DELE applied at QUIT, IMAP DELETE of a mailbox. Who, which mailbox, how many, and the
// UIDs themselves when they are few enough to read.

/** UIDs listed on a line up to this many; past it only the count. */
export const LOGGED_UIDS = 20;

/** The level used; pino's Logger fits. */
export interface MailEventLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface ExpungeFacts {
  user: string;
  mailbox: string;
  /** The command that removed them: EXPUNGE, UID EXPUNGE, CLOSE, MOVE, UID MOVE, QUIT (POP3). */
  command: string;
  uids: readonly number[];
  /** Other fields for this command (MOVE's target mailbox). */
  extra?: Record<string, unknown>;
}

/** One `expunge` line; nothing when nothing was removed. */
export function logExpunge(log: MailEventLogger, facts: ExpungeFacts): void {
  if (facts.uids.length === 0) return;
  log.info(
    {
      event: 'expunge',
      user: facts.user,
      mailbox: facts.mailbox,
      command: facts.command,
      count: facts.uids.length,
      ...(facts.uids.length <= LOGGED_UIDS ? { uids: [...facts.uids] } : {}),
      ...facts.extra,
    },
    'messages expunged',
  );
}

/** One `mailbox-delete` line; messages: how many it held (null when that could not be read). */
export function logMailboxDeleted(log: MailEventLogger, facts: { user: string; mailbox: string; messages: number | null }): void {
  log.info({ event: 'mailbox-delete', ...facts }, 'mailbox deleted');
}
