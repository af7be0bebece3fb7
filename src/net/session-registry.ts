// The open sessions of one line-protocol service (SPEC R10.5): which are waiting for a command and which
// are busy, so that shutdown can close the idle ones at once while busy ones (a delivery in flight) finish
// and then see the flag. Shared by LMTP and POP3.
import type { Connection } from './connection.js';

export interface SessionHooks {
  /** True once shutdown began: the session closes at its next command boundary. */
  shuttingDown(): boolean;
  /** 'idle' while waiting for a command, 'busy' while working on one. */
  phase(p: 'idle' | 'busy'): void;
}

export class SessionRegistry {
  private readonly idle = new Map<Connection, boolean>();
  private stopping = false;

  /** Registers a session (idle until it reads a command); call `leave` when it ends. */
  enter(conn: Connection): SessionHooks {
    this.idle.set(conn, true);
    return {
      shuttingDown: () => this.stopping,
      phase: (p) => {
        if (this.idle.has(conn)) this.idle.set(conn, p === 'idle');
      },
    };
  }

  leave(conn: Connection): void {
    this.idle.delete(conn);
  }

  /** Begins shutdown: every session waiting for a command gets `farewell` and is closed. */
  async shutdown(farewell: string): Promise<void> {
    this.stopping = true;
    const waiting = [...this.idle.entries()].filter(([, isIdle]) => isIdle).map(([conn]) => conn);
    await Promise.all(
      waiting.map(async (conn) => {
        conn.noteEnd('shutdown');
        await conn.write(farewell);
        await conn.close();
      }),
    );
  }
}

/** A line that shows the client speaks HTTP to a mail port (R11.1): answer once and hang up. */
export function looksLikeHttp(line: string): boolean {
  return /^(GET|POST|HEAD|PUT|OPTIONS|CONNECT|DELETE) \S+ HTTP\/\d/i.test(line);
}
