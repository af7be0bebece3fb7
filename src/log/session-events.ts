// The first and last line of every IMAP, POP3 and LMTP session (SPEC R10.4, issue 16 item 8): the session's
// own fields come from its child logger (logger.ts sessionLogger); the last line says who it was, how long it
// lasted and why it ended (net/end-reason.ts).

/** What the logout line reads from a connection (net/connection.ts Connection fits). */
export interface EndedSession {
  readonly openedAt: number;
  readonly endReason: string;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly tls: unknown;
}

/** The two levels used; pino's Logger fits. */
export interface SessionEventLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

export function logSessionStart(log: SessionEventLogger, fields: Record<string, unknown>): void {
  log.info({ event: 'session-start', ...fields }, 'session start');
}

/** user: who logged in (null: nobody did); now: the clock, for tests. */
export function logSessionEnd(log: SessionEventLogger, conn: EndedSession, user: string | null, now: number = Date.now()): void {
  log.info(
    {
      event: 'session-end',
      user,
      tls: conn.tls !== null,
      durationMs: Math.max(0, now - conn.openedAt),
      reason: conn.endReason,
      bytesIn: conn.bytesRead,
      bytesOut: conn.bytesWritten,
    },
    'session end',
  );
}
