// The logged-in IMAP and POP3 sessions of this process (issue 16 item 5): who is connected, from where, with
// or without TLS, since when; and a way to end a user's sessions for `postern kick`, `user disable` and
// `user delete` (issue 16 item 10). Sessions add themselves at login and remove themselves when they end.

import { isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { UserId } from '../store/types.js';

/** Why an administrator ends a session; each protocol words its farewell from it. */
export type EndReason = 'kicked' | 'disabled' | 'deleted';

/** One live session as `postern who` shows it. */
export interface LiveSessionView {
  sid: string;
  protocol: 'imap' | 'pop3';
  user: string;
  remoteAddress: string;
  tls: boolean;
  since: string;
}

/** What a session registers at login. */
export interface LiveSession {
  sid: string;
  protocol: 'imap' | 'pop3';
  user: string;
  remoteAddress: string;
  since: Date;
  /** TLS now (STARTTLS happens before login, but it is read when listed). */
  tls(): boolean;
  /** Says goodbye in the protocol's words and closes the connection. */
  end(reason: EndReason): Promise<void>;
}

export class LiveSessions {
  private readonly sessions = new Map<string, LiveSession>();

  /** Registers a session; the returned function removes it (idempotent). */
  add(session: LiveSession): () => void {
    this.sessions.set(session.sid, session);
    return () => {
      if (this.sessions.get(session.sid) === session) this.sessions.delete(session.sid);
    };
  }

  list(): LiveSessionView[] {
    return [...this.sessions.values()]
      .map((s) => ({
        sid: s.sid,
        protocol: s.protocol,
        user: s.user,
        remoteAddress: s.remoteAddress,
        tls: s.tls(),
        since: s.since.toISOString(),
      }))
      .sort((a, b) => a.since.localeCompare(b.since) || a.sid.localeCompare(b.sid));
  }

  /** Ends every session of `user` (login names compare without case, as the store's keys); how many ended. */
  async endUser(user: string, reason: EndReason): Promise<number> {
    const key = user.toLowerCase();
    const targets = [...this.sessions.values()].filter((s) => s.user.toLowerCase() === key);
    for (const s of targets) this.sessions.delete(s.sid);
    await Promise.all(targets.map((s) => s.end(reason).catch(() => undefined)));
    return targets.length;
  }
}

/** How long an administrator's farewell may wait for a client that does not read before the connection closes. */
export const FAREWELL_WAIT_MS = 1000;

/**
 * Writes the farewell, waiting at most FAREWELL_WAIT_MS for it to drain (a client that stopped reading must not
 * hold `kick` or `user disable` up), then closes; the close itself destroys a lingering connection.
 */
export async function sayFarewell(write: () => Promise<void>, close: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FAREWELL_WAIT_MS);
  });
  await Promise.race([write().catch(() => undefined), waited]);
  clearTimeout(timer);
  await close();
}

/**
 * After a session registered: ends it when its account was disabled or removed meanwhile. `postern user disable`
 * marks the account, then ends the registered sessions; a login whose password check was still running then
 * registers later and is caught here (the account is read after registering, so one of the two always sees it).
 */
export async function endIfAccountGone(
  store: Pick<Store, 'getUser'>,
  userId: UserId,
  end: (reason: EndReason) => Promise<void>,
): Promise<void> {
  let account: { disabled: boolean };
  try {
    account = await store.getUser(userId);
  } catch (err) {
    if (isStoreError(err, 'not-found')) await end('deleted');
    return; // otherwise the store did not answer: the session's own commands will say so
  }
  if (account.disabled) await end('disabled');
}
