// One IMAP session (RFC 9051 §2.2, §5; SPEC R7, R3.4, R4.1, R5, R11): the greeting, reading commands with
// their literals, the dispatcher (state, TLS policy, limits, error mapping, expunge timing), and STARTTLS.
import type { Logger } from '../log/logger.js';
import type { Connection } from '../net/connection.js';
import { randomBytes } from 'node:crypto';
import { ConnectionClosedError, LineTooLongError } from '../net/errors.js';
import { endIfAccountGone, sayFarewell, type EndReason } from '../net/live-sessions.js';
import type { SpooledBody } from '../net/spool.js';
import { isStoreError } from '../store/errors.js';
import type { TlsContextHolder } from '../tls/context.js';
import { appendPreflight } from './append-preflight.js';
import { capabilityList } from './capabilities.js';
import { COMMANDS, mailboxesNamedBy } from './command-table.js';
import type { ClientLines, CommandSpec, ImapContext, ImapServices, Outcome } from './context.js';
import { storeErrorResult } from './errors.js';
import { privacyGate } from './privacy.js';
import type { MailboxView } from './mailbox-view.js';
import { bindSearchResult } from './search-result.js';
import { hasSearchUpdates, searchUpdateLines } from './search/updates.js';
import { raw, type Wire } from './protocol/encode.js';
import { peekTag, trailingLiteral } from './protocol/literal.js';
import { parseCommand } from './protocol/parse.js';
import { ProtocolError, ProtocolRefusal, type TaggedCommand } from './protocol/types.js';
import { bad, no, statusLine, type TaggedResult } from './responses.js';
import { noneEnabled, userOf, type ConnectionFacts, type Enabled, type ImapState } from './state.js';

/** Unknown or invalid commands tolerated before login (then BYE), as Dovecot does. */
const MAX_BAD_BEFORE_LOGIN = 3;
/** Literals up to this size need no continuation under LITERAL- semantics too (RFC 7888 §5). */
const CONTINUATION = raw('+ Ready for literal\r\n');

/**
 * Issue 16 items 5, 7, 10: the BYE of a session the administrator ends. RFC 5530 §3: UNAVAILABLE (a kick is
 * temporary: the client may reconnect), CONTACTADMIN (the account is disabled or gone: retrying will not help).
 */
const ADMIN_BYE: Record<EndReason, string> = {
  kicked: '* BYE [UNAVAILABLE] Session ended by the administrator\r\n',
  disabled: '* BYE [CONTACTADMIN] Account disabled by the administrator\r\n',
  deleted: '* BYE [CONTACTADMIN] Account removed by the administrator\r\n',
};

export class ImapSession {
  private state: ImapState = { kind: 'not-authenticated' };
  private readonly enabled: Enabled = noneEnabled();
  private badCommands = 0;
  /** The spooled literals of the command being read or run, by the marker standing for each (issue 12 item 13). */
  private readonly spooled = new Map<string, SpooledBody>();
  /** Removes this session from the live sessions (`postern who`) once it has logged in. */
  private unregister: (() => void) | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly services: ImapServices,
    private readonly facts: ConnectionFacts,
    private readonly tls: TlsContextHolder,
    private readonly log: Logger,
    private readonly isShuttingDown: () => boolean,
  ) {}

  private write(data: Wire): void {
    void this.conn.write(data);
  }

  /** Several responses in one socket write: with a thousand sessions in IDLE, each write counts. */
  private writeAll(parts: readonly Wire[]): void {
    if (parts.length > 0) this.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  capabilities(afterLogin = false): string[] {
    const { settings, authenticator } = this.services;
    const authCtx = { tls: this.facts.tls !== null, peer: this.facts.peer, allowPlaintextWithoutTls: settings.allowPlaintextWithoutTls };
    return capabilityList({
      authenticated: afterLogin || this.state.kind === 'authenticated' || this.state.kind === 'selected',
      tlsActive: this.facts.tls !== null,
      startTlsAvailable: this.facts.startTlsAvailable,
      plaintextAllowed: authenticator.plaintextAllowed(authCtx),
      mechanisms: authenticator.mechanisms(authCtx),
      authservId: settings.authservId,
      appendLimit: settings.maxMessageBytes,
    });
  }

  /** Whether the client has not logged in yet: the stricter pre-authentication limits apply (R11.2). */
  private get stranger(): boolean {
    return this.state.kind === 'not-authenticated';
  }

  /** The size limits for reading the next command or SASL response, by login state (R11.2). */
  private limits(): { line: number; literal: number } {
    const { settings } = this.services;
    return this.stranger
      ? { line: settings.preAuthLineLength, literal: settings.preAuthLiteralBytes }
      : { line: settings.maxLineLength, literal: settings.maxLiteralBytes };
  }

  /** RFC 9051 §5.4: the 30-minute autologout is owed only after authentication; a stranger gets preAuthIdleMs. */
  private armIdleTimeout(): void {
    const { settings } = this.services;
    const ms = this.stranger ? settings.preAuthIdleMs : settings.idleMs;
    this.conn.setIdleTimeout(ms, () => this.conn.write(raw('* BYE Autologout; idle for too long\r\n')));
  }

  async run(): Promise<void> {
    const { settings } = this.services;
    this.armIdleTimeout();
    // R11.2: a slow drip of bytes refreshes the idle timer; it does not put off the login deadline.
    this.conn.setDeadline(settings.loginDeadlineMs, () => this.conn.write(raw('* BYE Login timed out\r\n')));
    this.write(raw(`* OK [CAPABILITY ${this.capabilities().join(' ')}] ${settings.hostname} IMAP Postern ready\r\n`));
    try {
      await this.loop();
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) {
        this.conn.noteEnd('error');
        this.log.error({ err }, 'session failed');
      }
    } finally {
      this.unregister?.();
      this.releaseSpooled();
      this.leaveMailbox();
      await this.conn.close();
    }
  }

  private leaveMailbox(): void {
    if (this.state.kind === 'selected') this.state.view.close();
  }

  /** Reads one command with its literals: the exact wire bytes without the final CRLF. */
  private async readCommand(): Promise<Buffer> {
    const max = this.limits();
    const parts: Buffer[] = [];
    let total = 0;
    /** Every literal octet of the command, spooled or not: a MULTIAPPEND (RFC 3502) is one store job whose bodies
     * are all read into memory together, so its messages are bounded in sum by maxLiteralBytes, not each (R11.2). */
    let literalOctets = 0;
    for (;;) {
      const line = await this.conn.reader.readLineBuffer({ maxLength: max.line });
      parts.push(line);
      total += line.length;
      const lit = trailingLiteral(line);
      if (lit === null) return Buffer.concat(parts);
      if (lit.size > max.literal || literalOctets + lit.size > max.literal || total + lit.size > max.literal + max.line * 4) {
        // R11.2: refused before "+" invites it. RFC 7888 §4: a non-synchronising literal's octets are on their
        // way; answer BAD and hang up rather than read (or buffer) them.
        const tag = peekTag(parts[0] ?? line) ?? '*';
        const text = this.stranger
          ? `Literal too large before login (at most ${max.literal} octets)`
          : `Literal too large (at most ${max.literal} octets in all the literals of a command)`;
        this.write(statusLine(tag, lit.nonSync ? 'BAD' : 'NO', 'TOOBIG', text));
        if (lit.nonSync) throw new ConnectionClosedError();
        return Buffer.alloc(0);
      }
      literalOctets += lit.size;
      if (!lit.nonSync) {
        // Issue 13 item 14: a missing APPEND target or an empty message is answered instead of "+"; a
        // non-synchronising literal's octets are already coming, so that one is read and answered by APPEND.
        const refusal = this.spoolsLiterals(parts[0] ?? line)
          ? await appendPreflight(this.services, this.state, Buffer.concat(parts), lit.size, this.enabled.utf8Accept)
          : null;
        if (refusal !== null) {
          this.write(this.tagged(peekTag(parts[0] ?? line) ?? '*', refusal));
          return Buffer.alloc(0);
        }
        this.write(CONTINUATION);
      }
      if (lit.size > this.services.spool.smallBodyBytes && this.spoolsLiterals(parts[0] ?? line)) {
        const marker = await this.spoolLiteral(lit.size);
        // The line's literal header now announces the marker that stands for the spooled octets.
        parts[parts.length - 1] = Buffer.concat([line.subarray(0, line.lastIndexOf(0x7b)), Buffer.from(`{${marker.length}}`)]);
        parts.push(Buffer.from('\r\n'), marker);
        total += marker.length;
        continue;
      }
      parts.push(Buffer.from('\r\n'), await this.conn.reader.readBytes(lit.size));
      total += lit.size;
    }
  }

  /**
   * Whether the command is an APPEND of a logged-in session: its large message literal goes to the spool, never
   * whole in memory (issue 12 item 13), and its target is checked before "+" (issue 13 item 14).
   */
  private spoolsLiterals(firstLine: Buffer): boolean {
    if (this.state.kind !== 'authenticated' && this.state.kind !== 'selected') return false;
    const tag = peekTag(firstLine);
    return tag !== null && /^append /i.test(firstLine.toString('latin1', tag.length + 1, tag.length + 8));
  }

  /**
   * Reads a literal into a spool file; the command carries in its place a literal holding a random marker,
   * which the APPEND handler exchanges for the file (ImapContext.spooled). Returns the marker. Bare LF is
   * stored as CRLF (issue 13 item 13, R1.6), as LMTP and BDAT store it.
   */
  private async spoolLiteral(size: number): Promise<Buffer> {
    const writer = this.services.spool.writer({ crlf: true });
    try {
      await this.conn.reader.readBytesTo(size, writer.write);
    } catch (err) {
      writer.discard();
      throw err;
    }
    const marker = `postern-spooled-${randomBytes(16).toString('hex')}`;
    this.spooled.set(marker, writer.finish());
    return Buffer.from(marker, 'latin1');
  }

  /** Removes the spool files of the last command's literals. */
  private releaseSpooled(): void {
    for (const body of this.spooled.values()) if (body.kind === 'file') body.release();
    this.spooled.clear();
  }

  private async loop(): Promise<void> {
    while (this.state.kind !== 'logout') {
      if (this.isShuttingDown()) {
        this.conn.noteEnd('shutdown');
        this.write(raw('* BYE Server shutting down\r\n'));
        return;
      }
      let bytes: Buffer;
      try {
        bytes = await this.readCommand();
      } catch (err) {
        if (!(err instanceof LineTooLongError)) throw err;
        this.write(raw('* BAD [TOOBIG] Command line too long\r\n'));
        if (this.countBad()) return;
        continue;
      }
      if (bytes.length === 0) {
        this.releaseSpooled();
        continue;
      }
      const timed = this.services.metrics.startCommand('imap'); // issue 16 item 4: from the whole command to its reply
      let parsed: TaggedCommand;
      try {
        parsed = parseCommand(bytes, { utf8Accept: this.enabled.utf8Accept });
      } catch (err) {
        timed('other');
        if (err instanceof ProtocolRefusal && err.tag !== null && this.state.kind !== 'not-authenticated') {
          // Issue 13 item 9: a valid command naming a mailbox that cannot exist is NO; it is not a bad command.
          this.write(statusLine(err.tag, 'NO', err.code, err.message));
          this.badCommands = 0;
          continue;
        }
        if (!(err instanceof ProtocolError) && !(err instanceof ProtocolRefusal)) throw err;
        this.write(statusLine(err.tag ?? '*', 'BAD', null, err.message));
        if (this.countBad()) return;
        continue;
      }
      try {
        await this.execute(parsed);
      } finally {
        this.releaseSpooled();
        timed(parsed.command.name);
      }
    }
  }

  /**
   * Counts a bad command; true when the budget is spent (R11.1): BYE and the session ends. Before login every
   * bad command counts; after it, only those since the last command that did not end in BAD.
   */
  private countBad(): boolean {
    this.badCommands += 1;
    const limit = this.state.kind === 'not-authenticated' ? MAX_BAD_BEFORE_LOGIN : this.services.settings.maxBadCommands;
    if (this.badCommands < limit) return false;
    this.conn.noteEnd('bad-commands');
    this.write(raw('* BYE Too many invalid commands\r\n'));
    this.log.warn({ badCommands: this.badCommands }, 'too many bad commands; disconnecting');
    return true;
  }

  /** AUTHENTICATE responses are read before login and so under the pre-authentication line limit. */
  private lines(): ClientLines {
    const maxLength = this.limits().line;
    return {
      readLine: () => this.conn.reader.readLine({ maxLength }),
    };
  }

  private async execute({ tag, command }: TaggedCommand): Promise<void> {
    const spec = COMMANDS[command.name] as unknown as CommandSpec;
    const uid = 'uid' in command && command.uid === true;
    const cleartextUser = this.facts.tls === null && !this.stranger;
    let outcome: Outcome;
    if (!spec.states.includes(this.state.kind)) {
      outcome = { result: bad(`${command.name} not allowed now`) };
      if (this.countBad()) {
        this.state = { kind: 'logout' };
        return;
      }
    } else if (this.facts.requireTls && this.facts.tls === null && spec.beforeTls !== true) {
      outcome = { result: bad('TLS required: use STARTTLS first', 'PRIVACYREQUIRED') }; // R5.3
    } else {
      outcome = await this.runCommand(tag, command.name, async () => {
        const ctx = this.context(tag);
        const refused = await privacyGate(ctx, spec, mailboxesNamedBy(command)); // R3.4
        if (refused !== null) return refused;
        // RFC 5182: `$` is bound to the saved result when the command runs (after every earlier command ended).
        return spec.run(ctx, this.state.kind === 'selected' ? bindSearchResult(command, this.state.view) : command);
      });
    }
    if (outcome.state) {
      const wasStranger = this.stranger;
      this.state = outcome.state;
      if (wasStranger && !this.stranger) {
        this.conn.clearDeadline();
        this.armIdleTimeout();
        this.registerLive();
      }
    }
    // R11.1: the budget is for a client that *keeps* sending garbage (Dovecot counts consecutive errors too);
    // a session that lives for days (IDLE) must not die of ten unrelated BADs spread over its life.
    if (outcome.result.status !== 'BAD' && this.state.kind !== 'not-authenticated') this.badCommands = 0;

    const state = this.state;
    let updates: Wire[] = [];
    if (state.kind === 'selected') {
      // Issue 13 item 5: a NO [NONEXISTENT] in the selected state may be the first sign that another process
      // deleted the mailbox (its feed notice can lag by one poll): the store, not the view's memory, decides.
      if (outcome.result.code === 'NONEXISTENT' && !state.view.wasDeleted && !(await this.selectedStillExists(state))) {
        state.view.markDeleted();
      }
      await state.view.claimRecent(); // issue 13 item 1: which arrivals are \Recent to this session
      if (this.endIfMust(state)) return;
      updates = await this.announce(tag, state.view, { allowExpunge: spec.expunge === 'allowed' || uid, uidInFetch: uid });
    }
    // R3.4 refused this cleartext session a mailbox (the BYE of endIfMust is counted there).
    if (cleartextUser && outcome.result.code === 'PRIVACYREQUIRED') this.services.metrics.cleartextRefusal('imap');
    const tagged = this.tagged(tag, outcome.result);
    // RFC 4978 §3: the tagged OK goes out uncompressed; everything after it, both ways, is compressed.
    if (outcome.after === 'compress') {
      this.writeAll(updates);
      this.conn.startCompression(tagged);
    } else this.writeAll([...updates, tagged]);
    if (outcome.after === 'logout') {
      this.conn.noteEnd('logout');
      this.state = { kind: 'logout' };
    }
    if (outcome.after === 'starttls') await this.upgrade();
    if (outcome.after === 'compress') this.facts.compressed = true;
  }

  /**
   * Ends the session, before anything more about the mailbox is sent, when the selected view says it must:
   * R3.4 (REQUIRETLS mail reached a cleartext session) or issue 13 item 5 (the mailbox was deleted: Dovecot's
   * BYE, since a session cannot go on in a mailbox that no longer exists). True when it did.
   */
  private endIfMust(state: Extract<ImapState, { kind: 'selected' }>): boolean {
    const why = state.view.mustClose;
    if (why === null) return false;
    this.conn.noteEnd('mailbox-closed');
    if (why === 'privacy') {
      this.services.metrics.cleartextRefusal('imap');
      this.write(raw('* BYE [PRIVACYREQUIRED] REQUIRETLS mail arrived in this mailbox; reconnect with STARTTLS or IMAPS\r\n'));
      this.log.info({ mailbox: state.view.name }, 'closed a cleartext session: REQUIRETLS mail arrived');
    } else {
      this.write(raw('* BYE Selected mailbox was deleted, have to disconnect.\r\n'));
      this.log.info({ mailbox: state.view.name }, 'closed a session: its selected mailbox was deleted');
    }
    this.state = { kind: 'logout' };
    return true;
  }

  private async selectedStillExists(state: Extract<ImapState, { kind: 'selected' }>): Promise<boolean> {
    try {
      await this.services.store.getMailboxById(state.user.id, state.view.mailboxId);
      return true;
    } catch (err) {
      return !isStoreError(err, 'not-found'); // any other failure proves nothing: the session goes on
    }
  }

  private tagged(tag: string, r: TaggedResult): Wire {
    return statusLine(tag, r.status, r.code, r.text);
  }

  private async runCommand(tag: string, name: string, run: () => Promise<Outcome> | Outcome): Promise<Outcome> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ConnectionClosedError) throw err;
      if (isStoreError(err, 'not-found') && (await this.accountGone())) {
        // Issue 16 item 10: the account was deleted while no admin socket could end this session: it ends here.
        this.log.info({ command: name }, 'closed a session: its account was deleted');
        this.write(raw(ADMIN_BYE.deleted));
        return { result: no('Account removed', 'CONTACTADMIN'), after: 'logout' };
      }
      if (isStoreError(err)) return { result: storeErrorResult(err) };
      if (err instanceof ProtocolError) return { result: bad(err.message) };
      this.log.error({ err, command: name, tag }, 'command failed');
      return { result: no('Internal error; the administrator can find it in the log', 'SERVERBUG') };
    }
  }

  /**
   * The selected mailbox's changes since the last announcement (MailboxView.flush), with the CONTEXT=SEARCH
   * updates they cause (RFC 5267 §4): removals by message number before the EXPUNGE responses, the rest after.
   */
  private async announce(tag: string, view: MailboxView, opts: { allowExpunge: boolean; uidInFetch: boolean }): Promise<Wire[]> {
    if (!hasSearchUpdates(view)) return view.flush(opts);
    const before = await searchUpdateLines(this.context(tag), view, 'before');
    const changes = view.flush(opts);
    return [...before, ...changes, ...(await searchUpdateLines(this.context(tag), view, 'after'))];
  }

  private context(tag: string): ImapContext {
    return {
      tag,
      services: this.services,
      facts: this.facts,
      enabled: this.enabled,
      state: this.state,
      log: this.log,
      send: (data) => this.conn.write(data),
      lines: this.lines(),
      spooled: this.spooled,
      capabilities: (afterLogin) => this.capabilities(afterLogin),
      flush: async () => {
        const state = this.state;
        if (state.kind !== 'selected') return false;
        await state.view.claimRecent();
        if (state.view.mustClose !== null) return true; // the dispatcher says BYE
        this.writeAll(await this.announce(tag, state.view, { allowExpunge: true, uidInFetch: false }));
        return false;
      },
    };
  }

  /** Whether the logged-in user's account no longer exists (any other failure proves nothing). */
  private async accountGone(): Promise<boolean> {
    const user = userOf(this.state);
    if (user === null) return false;
    try {
      await this.services.store.getUser(user.id);
      return false;
    } catch (err) {
      return isStoreError(err, 'not-found');
    }
  }

  /** Issue 16 item 5: a logged-in session is listed by `postern who` and can be ended by the administrator. */
  private registerLive(): void {
    const user = this.facts.auth;
    if (user === null || this.unregister !== null) return;
    const end = async (reason: EndReason): Promise<void> => {
      this.log.info({ user: user.user, reason }, 'session ended by the administrator');
      this.conn.noteEnd(reason); // the session-end line's reason (issue 16 item 8)
      this.state = { kind: 'logout' };
      await sayFarewell(() => this.conn.write(raw(ADMIN_BYE[reason])), () => this.conn.close());
    };
    this.unregister = this.services.live.add({
      sid: this.conn.id,
      protocol: 'imap',
      user: user.user,
      remoteAddress: this.facts.remoteAddress,
      since: new Date(),
      tls: () => this.facts.tls !== null,
      end,
    });
    void endIfAccountGone(this.services.store, user.userId, end);
  }

  /** R5.2: plaintext bytes after STARTTLS are dropped; capabilities are recomputed by the next request. */
  private async upgrade(): Promise<void> {
    await this.conn.upgradeToTls({ tls: this.tls.current });
    const info = this.conn.tls;
    this.facts.tls = info ? { protocol: info.protocol, cipher: info.cipher } : null;
    this.facts.peer = info?.peer ?? null;
    this.log.info({ tls: this.facts.tls, clientCert: this.facts.peer !== null }, 'STARTTLS');
  }
}
