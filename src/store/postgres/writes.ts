// The PostgreSQL store's deliver, APPEND, MULTIAPPEND, COPY, MOVE, EXPUNGE, STORE (SPEC R1.4, R1.8, R3.3, R3.4;
// RFC 3502, RFC 6851, RFC 7162): each one transaction (ctx.write), its changes published after the commit. The use
// cases live in deliver.ts, transfer.ts and set-flags.ts; bodies are parsed here, before the transaction.
import { isFileBody, type AppendInput, type AppendResult, type BodyBytes, type CopyResult, type DeliveryInput, type DeliveryResult, type FlagMode, type MailboxId, type PrivacyGuard, type SetFlagsResult, type UserId } from '../types.js';
import { analyzeBody } from '../body-analysis.js';
import { SpooledBody } from '../sqlite/ingest/spooled-body.js';
import type { PgContext } from './context.js';
import { appendIn, deliverIn, type IngestBody } from './deliver.js';
import { setFlagsIn } from './set-flags.js';
import { copyIn, expungeIn, moveIn } from './transfer.js';

/**
 * Bodies at hand for one write: in memory, or spooled ones opened for ranged reads (issue 17 item 4: never read
 * whole); `close` releases the descriptors (the files are the caller's).
 */
class OpenedBodies {
  private readonly opened: SpooledBody[] = [];

  open(b: BodyBytes): IngestBody {
    if (!isFileBody(b)) return b;
    const body = new SpooledBody(b);
    this.opened.push(body);
    return body;
  }

  close(): void {
    for (const body of this.opened.splice(0)) body.close();
  }
}

export class WriteOps {
  /**
   * Expunges the log keeps per mailbox (issue 15 item 2), as the SQLite store's MessageRepo.expungeLogKeep: pruned
   * once it holds a quarter more.
   */
  expungeLogKeep = 10_000;

  constructor(private readonly ctx: PgContext) {}

  async deliver(input: DeliveryInput): Promise<DeliveryResult[]> {
    const bodies = new OpenedBodies();
    try {
      const body = bodies.open(input.body);
      const analysis = analyzeBody(body); // CPU work (and spool reads) before the transaction
      return await this.ctx.write((client) => deliverIn(client, { ...input, body }, analysis));
    } finally {
      bodies.close();
    }
  }

  async append(userId: UserId, mailboxId: MailboxId, input: AppendInput, guard?: PrivacyGuard): Promise<AppendResult> {
    const [result] = await this.appendAll(userId, mailboxId, [input], guard);
    if (!result) throw new Error('append stored no message');
    return result;
  }

  async appendAll(userId: UserId, mailboxId: MailboxId, inputs: readonly AppendInput[], guard: PrivacyGuard = {}): Promise<AppendResult[]> {
    const bodies = new OpenedBodies();
    try {
      const opened = inputs.map((input) => ({ ...input, raw: bodies.open(input.raw) }));
      const analyses = opened.map((input) => analyzeBody(input.raw));
      return await this.ctx.write((client) => appendIn(client, userId, mailboxId, opened, analyses, guard));
    } finally {
      bodies.close();
    }
  }

  async copy(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard: PrivacyGuard = {}): Promise<CopyResult> {
    return this.ctx.write((client) => copyIn(client, userId, from, uids, to, guard));
  }

  async move(userId: UserId, from: MailboxId, uids: readonly number[], to: MailboxId, guard: PrivacyGuard = {}): Promise<CopyResult> {
    return this.ctx.write((client) => moveIn(client, userId, from, uids, to, guard, this.expungeLogKeep));
  }

  async expunge(userId: UserId, mailboxId: MailboxId, opts: { uids?: readonly number[]; force?: boolean } = {}): Promise<number[]> {
    return this.ctx.write((client) => expungeIn(client, userId, mailboxId, opts, this.expungeLogKeep));
  }

  async setFlags(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    mode: FlagMode,
    flags: readonly string[],
    opts: { unchangedSince?: number } = {},
  ): Promise<SetFlagsResult> {
    return this.ctx.write((client) => setFlagsIn(client, userId, mailboxId, uids, mode, flags, opts));
  }
}
