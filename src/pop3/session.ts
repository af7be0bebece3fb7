// One POP3 session (RFC 1939, RFC 2449 PIPELINING, RFC 2595 STLS; SPEC R5, R8, R11): greeting, the command
// loop over the command table (states and TLS policy checked here, once), the bad-command budget, the
// autologout timer, STLS as a reset, and the release of the maildrop lock however the session ends.
import { ConnectionClosedError, LineTooLongError, TlsHandshakeError } from '../net/errors.js';
import { endIfAccountGone, sayFarewell, type EndReason } from '../net/live-sessions.js';
import { looksLikeHttp, type SessionHooks } from '../net/session-registry.js';
import type { Connection } from '../net/connection.js';
import type { Logger } from '../log/logger.js';
import type { TlsContextHolder } from '../tls/context.js';
import { runSpec, specOf } from './command-table.js';
import type { ClientIo, Outcome, Pop3Context, Pop3Services } from './context.js';
import { ResponseBrokenError } from './errors.js';
import { parseCommand, type Pop3Command } from './protocol/parse.js';
import { formatResponse, R, type Pop3Response } from './responses.js';
import { AUTHORIZATION, type Pop3State, type SessionFacts } from './state.js';

export class Pop3Session {
  private state: Pop3State = AUTHORIZATION;
  private badCommands = 0;
  private loggedInAs: string | null = null;
  private readonly io: ClientIo;
  /** Removes this session from the live sessions (`postern who`) once it has logged in. */
  private unregister: (() => void) | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly services: Pop3Services,
    private readonly facts: SessionFacts,
    private readonly tls: TlsContextHolder,
    private readonly log: Logger,
    private readonly hooks: SessionHooks,
  ) {
    const saslLineMax = services.settings.saslLineLength; // R11.2: a pre-authentication bound
    this.io = {
      send: (r) => this.send(r),
      // A client that went away ends a long response at once instead of it being read to the end.
      write: (data) => (this.conn.closed ? Promise.reject(new ConnectionClosedError()) : this.conn.write(data)),
      readLine: () => this.conn.reader.readLine({ maxLength: saslLineMax }),
    };
  }

  private send(r: Pop3Response): void {
    void this.conn.write(formatResponse(r));
  }

  /** Who logged in, for the logout line; null when nobody did. */
  get user(): string | null {
    return this.loggedInAs;
  }

  /** Counts a bad command; true when the budget is spent and the session must end (R11.1). */
  private countBad(): boolean {
    this.badCommands += 1;
    if (this.badCommands < this.services.settings.maxBadCommands) return false;
    this.conn.noteEnd('bad-commands');
    this.send(R.tooManyErrors());
    this.log.warn({ badCommands: this.badCommands }, 'too many bad commands; disconnecting');
    return true;
  }

  /**
   * RFC 1939 §3: the autologout timer ends the session without entering UPDATE (nothing is deleted). Its 10
   * minutes are owed to a user; before login a client gets preAuthIdleMs (R11.2), as Dovecot's login does.
   */
  private armIdleTimeout(): void {
    const { settings } = this.services;
    const ms = this.state.kind === 'transaction' ? settings.idleMs : settings.preAuthIdleMs;
    this.conn.setIdleTimeout(ms, () => this.conn.write(formatResponse(R.idleTimeout())));
  }

  async run(): Promise<void> {
    const { settings } = this.services;
    this.armIdleTimeout();
    // R11.2: a slow drip of bytes refreshes the idle timer; it does not put off the login deadline.
    this.conn.setDeadline(settings.loginDeadlineMs, () => this.conn.write(formatResponse(R.loginTimeout())));
    this.send(R.greeting(settings.hostname));
    try {
      await this.loop();
    } catch (err) {
      if (err instanceof TlsHandshakeError) this.log.info({ err: err.message }, 'STLS handshake failed');
      else if (!(err instanceof ConnectionClosedError)) {
        this.conn.noteEnd('error');
        this.log.error({ err }, 'session failed');
      }
    } finally {
      this.unregister?.();
      this.releaseLock();
      await this.conn.close();
    }
  }

  /** R8.2: the lock goes with the session; a dropped connection releases it and deletes nothing. */
  private releaseLock(): void {
    if (this.state.kind === 'transaction') this.services.locks.release(this.state.identity.userId, this.facts.sid);
  }

  private async loop(): Promise<void> {
    const { settings } = this.services;
    while (this.state.kind !== 'closing') {
      if (this.hooks.shuttingDown()) {
        this.conn.noteEnd('shutdown');
        this.send(R.shuttingDown());
        return;
      }
      this.hooks.phase('idle');
      let line: string;
      try {
        line = await this.conn.reader.readLine({ maxLength: settings.maxLineLength });
      } catch (err) {
        if (!(err instanceof LineTooLongError)) throw err;
        this.send(R.lineTooLong());
        if (this.countBad()) return;
        continue;
      }
      this.hooks.phase('busy');
      if (looksLikeHttp(line)) {
        this.send(R.notPop3());
        return;
      }
      const timed = this.services.metrics.startCommand('pop3'); // issue 16 item 4
      const parsed = parseCommand(line);
      if (!parsed.ok) {
        timed('other');
        this.send(parsed.error.kind === 'unknown' ? R.unknownCommand() : R.syntax(parsed.error.text));
        if (this.countBad()) return;
        continue;
      }
      const refusal = this.refusal(parsed.command);
      if (refusal !== null) {
        timed(parsed.command.verb);
        this.send(refusal);
        if (this.countBad()) return;
        continue;
      }
      const outcome = await this.runCommand(parsed.command);
      timed(parsed.command.verb);
      const written = outcome.responses.map((r) => this.conn.write(formatResponse(r)));
      if (outcome.state) this.changeState(outcome.state);
      if (outcome.after === 'close') {
        this.conn.noteEnd('logout'); // QUIT, unless a broken response noted an error first
        return;
      }
      // R5.2: the upgrade starts in the tick the +OK is written, before the client's ClientHello can arrive.
      if (outcome.after === 'stls') await this.upgrade();
      // A pipelining client that does not read is not buffered for without bound: wait for the socket (R11.1).
      else await Promise.all(written);
    }
  }

  /** The dispatcher's checks (RFC 1939 §3 states, R5.3 listener TLS policy): a response, or null to run. */
  private refusal(cmd: Pop3Command): Pop3Response | null {
    const spec = specOf(cmd);
    if (this.facts.requireTls && this.facts.tls === null && spec.beforeTls !== true) return R.tlsFirst();
    if (this.state.kind === 'closing' || !spec.states.includes(this.state.kind)) return R.wrongState();
    return null;
  }

  /** The one place the state changes; leaving TRANSACTION any other way than closing releases the lock. */
  private changeState(next: Pop3State): void {
    if (this.state.kind === 'transaction' && next.kind !== 'transaction') this.releaseLock();
    const loggedIn = this.state.kind !== 'transaction' && next.kind === 'transaction';
    this.state = next;
    if (next.kind === 'transaction') this.loggedInAs = next.identity.user;
    if (loggedIn) {
      this.conn.clearDeadline();
      this.armIdleTimeout();
      this.registerLive();
    }
  }

  /**
   * Issue 16 item 5: a logged-in session is listed by `postern who` and can be ended by the administrator. It
   * closes without UPDATE (RFC 1939 §6: nothing marked is deleted); the lock goes when run() ends.
   */
  private registerLive(): void {
    if (this.state.kind !== 'transaction' || this.unregister !== null) return;
    const user = this.state.identity.user;
    const farewell: Record<EndReason, Pop3Response> = { kicked: R.kicked(), disabled: R.accountDisabled(), deleted: R.accountDeleted() };
    const end = async (reason: EndReason): Promise<void> => {
      this.log.info({ user, reason }, 'session ended by the administrator');
      this.conn.noteEnd(reason); // the session-end line's reason (issue 16 item 8)
      await sayFarewell(() => this.conn.write(formatResponse(farewell[reason])), () => this.conn.close());
    };
    this.unregister = this.services.live.add({
      sid: this.facts.sid,
      protocol: 'pop3',
      user,
      remoteAddress: this.facts.remoteAddress,
      since: new Date(),
      tls: () => this.facts.tls !== null,
      end,
    });
    void endIfAccountGone(this.services.store, this.state.identity.userId, end);
  }

  private async runCommand(cmd: Pop3Command): Promise<Outcome> {
    const ctx: Pop3Context = { services: this.services, facts: this.facts, state: this.state, io: this.io, log: this.log };
    try {
      return await runSpec(ctx, cmd);
    } catch (err) {
      if (err instanceof ConnectionClosedError) throw err;
      if (err instanceof ResponseBrokenError) {
        // A multi-line response was under way: nothing more can be said in-band (R11.1).
        this.conn.noteEnd('error');
        this.log.error({ err, verb: cmd.verb }, 'response broken off; closing');
        return { responses: [], state: { kind: 'closing' }, after: 'close' };
      }
      this.log.error({ err, verb: cmd.verb }, 'command failed');
      return { responses: [R.storeFailed()] };
    }
  }

  /** R5.2: the +OK is written and the reader retired in one tick; buffered plaintext is dropped; state forgotten. */
  private async upgrade(): Promise<void> {
    await this.conn.upgradeToTls({ tls: this.tls.current });
    const info = this.conn.tls;
    this.facts.tls = info ? { protocol: info.protocol, cipher: info.cipher } : null;
    this.facts.peer = info?.peer ?? null;
    this.facts.utf8 = false;
    this.state = AUTHORIZATION;
    this.log.info({ tls: this.facts.tls, clientCert: this.facts.peer !== null }, 'STLS');
  }
}
