// One LMTP session (RFC 2033, SPEC R1, R3, R5, R11): greeting, the command loop over the explicit command
// table, pipelined replies, STARTTLS as a reset, the bad-command budget and the idle timeout.
import { ConnectionClosedError, LineTooLongError } from '../net/errors.js';
import { looksLikeHttp, type SessionHooks } from '../net/session-registry.js';
import type { Connection } from '../net/connection.js';
import type { Logger } from '../log/logger.js';
import type { TlsContextHolder } from '../tls/context.js';
import { auth } from './commands/auth.js';
import { bdat } from './commands/bdat.js';
import { data } from './commands/data.js';
import { lhlo, smtpGreeting } from './commands/lhlo.js';
import { mail } from './commands/mail.js';
import { rcpt } from './commands/rcpt.js';
import { help, noop, quit, rset, vrfy } from './commands/simple.js';
import { starttls } from './commands/starttls.js';
import { xforward } from './commands/xforward.js';
import type { ClientInput, LmtpContext, LmtpServices, Outcome } from './context.js';
import { parseCommand, type LmtpCommand } from './protocol/parse.js';
import { formatReply, reply, R, type Reply } from './replies.js';
import { heldSpool, type LmtpState, type SessionFacts } from './state.js';
import { clientTrust } from './trust.js';

/** Verbs a listener with requireTls accepts before TLS is active (R5.3). */
const BEFORE_TLS: ReadonlySet<LmtpCommand['verb']> = new Set(['LHLO', 'HELO', 'EHLO', 'STARTTLS', 'NOOP', 'RSET', 'QUIT', 'HELP']);

/** The command table: verb → handler with typed arguments. */
function dispatch(ctx: LmtpContext, cmd: LmtpCommand): Outcome | Promise<Outcome> {
  switch (cmd.verb) {
    case 'LHLO':
      return lhlo(ctx, cmd.domain);
    case 'HELO':
    case 'EHLO':
      return smtpGreeting();
    case 'MAIL':
      return mail(ctx, cmd.from, cmd.params);
    case 'RCPT':
      return rcpt(ctx, cmd.to);
    case 'DATA':
      return data(ctx);
    case 'BDAT':
      return bdat(ctx, cmd.size, cmd.last);
    case 'RSET':
      return rset(ctx);
    case 'NOOP':
      return noop();
    case 'QUIT':
      return quit(ctx);
    case 'VRFY':
      return vrfy();
    case 'HELP':
      return help();
    case 'STARTTLS':
      return starttls(ctx);
    case 'AUTH':
      return auth(ctx, cmd.mechanism, cmd.initialResponse);
    case 'XFORWARD':
      return xforward(ctx, cmd.attributes);
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

export class LmtpSession {
  private state: LmtpState = { kind: 'fresh' };
  private badCommands = 0;

  constructor(
    private readonly conn: Connection,
    private readonly services: LmtpServices,
    private readonly facts: SessionFacts,
    private readonly tls: TlsContextHolder,
    private readonly log: Logger,
    private readonly hooks: SessionHooks,
  ) {}

  private send(r: Reply): void {
    void this.conn.write(formatReply(r));
  }

  private input(): ClientInput {
    const max = this.services.settings.maxLineLength;
    return {
      readDotBody: (maxBytes) => this.conn.reader.readDotBody({ maxBytes }),
      readDotBodyTo: (maxBytes, sink) => this.conn.reader.readDotBodyTo({ maxBytes, sink }),
      readBytes: (n) => this.conn.reader.readBytes(n),
      readBytesTo: (n, sink) => this.conn.reader.readBytesTo(n, sink),
      readLine: () => this.conn.reader.readLine({ maxLength: max }),
      send: (r) => this.send(r),
    };
  }

  /** Counts a malformed command; true when the budget is spent and the session must end (R11.1). */
  private countBad(): boolean {
    this.badCommands += 1;
    if (this.badCommands < this.services.settings.maxBadCommands) return false;
    this.conn.noteEnd('bad-commands');
    this.send(R.tooManyErrors(this.services.settings.hostname));
    this.log.warn({ badCommands: this.badCommands }, 'too many bad commands; disconnecting');
    return true;
  }

  async run(): Promise<void> {
    const { settings } = this.services;
    this.conn.setIdleTimeout(settings.idleMs, () => this.conn.write(formatReply(R.idleTimeout(settings.hostname))));
    this.send(reply(220, null, `${settings.hostname} LMTP Postern ready`));
    try {
      await this.loop();
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) {
        this.conn.noteEnd('error');
        this.log.error({ err }, 'session failed');
      }
    } finally {
      heldSpool(this.state)?.discard();
      await this.conn.close();
    }
  }

  /** Moves to the next state; a spooled BDAT body the old state held and the new one does not is dropped. */
  private setState(next: LmtpState): void {
    const held = heldSpool(this.state);
    if (held !== null && heldSpool(next) !== held) held.discard();
    this.state = next;
  }

  private async loop(): Promise<void> {
    const { settings } = this.services;
    while (this.state.kind !== 'closing') {
      if (this.hooks.shuttingDown()) {
        this.conn.noteEnd('shutdown');
        this.send(R.shuttingDown(settings.hostname));
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
        this.send(reply(500, '5.5.1', 'This is an LMTP server, not a web server'));
        return;
      }
      const timed = this.services.metrics.startCommand('lmtp'); // issue 16 item 4
      const parsed = parseCommand(line);
      if (!parsed.ok) {
        timed('other');
        this.send(reply(parsed.error.code, parsed.error.enhanced, parsed.error.text));
        if (this.countBad()) return;
        continue;
      }
      const cmd = parsed.command;
      if (this.facts.requireTls && this.facts.tls === null && !BEFORE_TLS.has(cmd.verb)) {
        timed(cmd.verb);
        this.send(R.tlsFirst()); // R5.3, seed 000: 530 5.7.0
        if (cmd.verb === 'BDAT') return; // its octets follow in cleartext: hang up rather than read them
        continue;
      }
      const outcome = await this.runCommand(cmd);
      timed(cmd.verb);
      for (const r of outcome.replies) this.send(r);
      if (outcome.state) this.setState(outcome.state);
      if (outcome.after === 'close') {
        this.conn.noteEnd('logout');
        return;
      }
      if (outcome.after === 'starttls') await this.upgrade();
    }
  }

  private async runCommand(cmd: LmtpCommand): Promise<Outcome> {
    const trust = clientTrust(this.facts, this.services.settings.relayUsers); // R1.3: the one place
    const ctx: LmtpContext = { services: this.services, facts: this.facts, trust, state: this.state, input: this.input(), log: this.log };
    try {
      return await dispatch(ctx, cmd);
    } catch (err) {
      if (err instanceof ConnectionClosedError) throw err;
      this.log.error({ err, verb: cmd.verb }, 'command failed');
      return { replies: [R.storeFailed()], state: this.state.kind === 'transaction' ? { kind: 'ready', helo: this.state.helo } : this.state };
    }
  }

  /** R5.2: buffered plaintext is dropped by upgradeToTls; everything learnt before TLS is forgotten. */
  private async upgrade(): Promise<void> {
    await this.conn.upgradeToTls({ tls: this.tls.current });
    const info = this.conn.tls;
    this.facts.tls = info ? { protocol: info.protocol, cipher: info.cipher } : null;
    this.facts.peer = info?.peer ?? null;
    this.facts.auth = null;
    this.facts.xforward = { addr: null, helo: null, name: null, ident: null };
    this.setState({ kind: 'fresh' });
    this.log.info({ tls: this.facts.tls, clientCert: this.facts.peer !== null }, 'STARTTLS');
  }
}
