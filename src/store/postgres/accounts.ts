// The PostgreSQL store's users, mailboxes, subscriptions, opening and status, \Recent claims, import preparation (SPEC R6.3, R7.5, R7.6, R3.4; RFC 3501 §2.3.2).
// The class postgres-store.ts delegates to; the work is in users.ts, mailboxes.ts, mailbox-ops.ts,
// inbox-rename.ts, open-mailbox.ts and recent.ts.
import type pg from 'pg';
import type { ChangeListener, MailboxChange } from '../changes.js';
import type {
  MailboxId,
  MailboxInfo,
  MailboxSnapshot,
  MailboxStatus,
  MailboxStatusOptions,
  OpenedMailbox,
  PrivacyGuard,
  QuotaUsage,
  SpecialUse,
  StoredCredentials,
  User,
  UserId,
  UserWithCredentials,
} from '../types.js';
import type { PgContext } from './context.js';
import { query } from './database.js';
import { toMailboxInfo, toUser, toUserWithCredentials } from '../sqlite/rows.js';
import { RecentFloor } from '../sqlite/recent-floor.js';
import { KeyedQueue } from './keyed-queue.js';
import { canonicalMailboxName, validateMailboxName } from '../sqlite/names.js';
import { createMailbox, deleteMailbox, prepareImport, raiseUidNext, renameMailbox } from './mailbox-ops.js';
import {
  getMailboxRow,
  getMailboxRowById,
  listMailboxRows,
  noselectList,
  subscribeName,
  storable,
  subscriptions,
  type Queryable,
} from './mailboxes.js';
import { markOf, readSnapshot, readStatus } from './open-mailbox.js';
import { claim, firstRecent } from './recent.js';
import {
  createUserRow,
  deleteUserRow,
  findUserRow,
  getUserRow,
  listUserRows,
  replaceCredentialsRow,
  scramIterationCounts,
  setCredentialsRow,
  setDisabledRow,
  setQuotaRow,
  usage,
} from './users.js';

export class AccountOps {
  /** Issue 17 item 3: each mailbox's first unclaimed UID as far as this process knows (a lower bound). */
  private readonly recentFloor = new RecentFloor();
  /** Issue 18: this process's \Recent claims, one at a time per mailbox. */
  private readonly claims = new KeyedQueue<MailboxId>();

  constructor(private readonly ctx: PgContext) {}

  /** Single-statement reads: the pool, a lost database mapped to 'temporary' as in transactions. */
  private readonly db: Queryable = {
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
      const rows = await query<R>(this.ctx.pool, text, values ?? []);
      return { rows, rowCount: rows.length };
    },
  };

  async createUser(name: string, credentials: StoredCredentials, opts?: { quotaBytes?: number | null }): Promise<User> {
    return toUser(await this.ctx.write(async (c) => ({ value: await createUserRow(c, name, credentials, opts?.quotaBytes ?? null), changes: [] })));
  }

  async findUser(name: string): Promise<UserWithCredentials | null> {
    const row = await findUserRow(this.db, name);
    return row ? toUserWithCredentials(row) : null;
  }

  async getUser(id: UserId): Promise<User> {
    return toUser(await getUserRow(this.db, id));
  }

  async listUsers(): Promise<User[]> {
    return (await listUserRows(this.db)).map(toUser);
  }

  async setCredentials(userId: UserId, credentials: StoredCredentials): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await setCredentialsRow(c, userId, credentials), changes: [] }));
  }

  async replaceCredentials(userId: UserId, current: StoredCredentials, next: StoredCredentials): Promise<boolean> {
    return this.ctx.write(async (c) => ({ value: await replaceCredentialsRow(c, userId, current, next), changes: [] }));
  }

  async scramIterationCounts(): Promise<Array<{ iterations: number; accounts: number }>> {
    return scramIterationCounts(this.db);
  }

  async setQuota(userId: UserId, quotaBytes: number | null): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await setQuotaRow(c, userId, quotaBytes), changes: [] }));
  }

  async setUserDisabled(userId: UserId, disabled: boolean): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await setDisabledRow(c, userId, disabled), changes: [] }));
  }

  async deleteUser(userId: UserId): Promise<void> {
    await this.ctx.write(async (c) => {
      const ids = await deleteUserRow(c, userId);
      return { value: undefined, changes: ids.map((mailboxId): MailboxChange => ({ kind: 'deleted', mailboxId })) };
    });
  }

  async quotaUsage(userId: UserId): Promise<QuotaUsage> {
    return this.ctx.read((c) => usage(c, userId)); // the limit and the counters of one moment (R3.4 judges them together)
  }

  async createMailbox(userId: UserId, name: string, opts?: { specialUse?: SpecialUse | null }): Promise<MailboxInfo> {
    const specialUse = opts?.specialUse ?? null;
    return toMailboxInfo(await this.ctx.write(async (c) => ({ value: await createMailbox(c, userId, name, specialUse), changes: [] })));
  }

  async renameMailbox(userId: UserId, from: string, to: string, guard?: PrivacyGuard): Promise<void> {
    await this.ctx.write((c) => renameMailbox(c, userId, from, to, guard ?? {}));
  }

  async deleteMailbox(userId: UserId, name: string, guard?: PrivacyGuard): Promise<void> {
    await this.ctx.write((c) => deleteMailbox(c, userId, name, guard ?? {}));
  }

  async getMailbox(userId: UserId, name: string): Promise<MailboxInfo> {
    return toMailboxInfo(await getMailboxRow(this.db, userId, name));
  }

  async openMailbox( userId: UserId, name: string, listener: ChangeListener, opts?: { claimRecent?: boolean; refuseProtected?: boolean }, ): Promise<OpenedMailbox> {
    const claimRecent = opts?.claimRecent === true;
    const read = (): Promise<MailboxSnapshot> =>
      claimRecent
        ? this.ctx.write(async (c) => ({ value: await readSnapshot(c, userId, name, opts ?? {}), changes: [] }))
        : this.ctx.read((c) => readSnapshot(c, userId, name, opts ?? {}));
    // The listener is subscribed, and the mailbox tracked for other front ends' changes (feed.ts) from a state read
    // before it, before the snapshot is taken: every change committed after the snapshot reaches the listener (some
    // committed before it may too). The mailbox is found by name first, and again when the snapshot names another
    // one (renamed or re-created in between).
    for (;;) {
      const mark = await markOf(this.db, userId, name);
      const close = this.ctx.feed.subscribe(mark.id, listener);
      this.ctx.track(mark);
      let snap: MailboxSnapshot;
      try {
        snap = await read();
      } catch (err) {
        close();
        throw err;
      }
      if (snap.info.id === mark.id) {
        if (claimRecent) {
          // Committed: the first unclaimed UID is now at least UIDNEXT when this open claimed (R3.4: not when refused).
          const claimed = !(opts?.refuseProtected === true && snap.info.requireTlsMessages > 0);
          this.recentFloor.raise(userId, mark.id, claimed ? Math.max(snap.firstRecentUid, snap.info.uidNext) : snap.firstRecentUid);
        }
        return { ...snap, close };
      }
      close();
    }
  }

  async claimRecent(userId: UserId, mailboxId: MailboxId, throughUid: number): Promise<number> {
    // Issue 17 item 3: once one session has claimed an arrival, every other session's claim in this process is
    // answered here (first_recent_uid only moves forward, and mailbox ids are never reused).
    const known = this.recentFloor.pastThrough(userId, mailboxId, throughUid);
    if (known !== null) return known;
    // Issue 18: the claims of one mailbox in this process go one at a time, so that 1,000 IDLE sessions seeing one
    // arrival make one write transaction; the others, queued behind it, are answered from the floor it raised
    // instead of each taking a pooled connection to wait on the mailbox's row lock.
    return this.claims.run(mailboxId, async () => {
      const past = this.recentFloor.pastThrough(userId, mailboxId, throughUid); // claimed while this one waited
      if (past !== null) return past;
      const from = await this.ctx.write(async (c) => ({
        value: await claim(c, (await getMailboxRowById(c, userId, mailboxId)).id, throughUid),
        changes: [],
      }));
      this.recentFloor.raise(userId, mailboxId, Math.max(from, throughUid + 1)); // committed: nothing up to throughUid is left
      return from;
    });
  }

  async firstRecentUid(userId: UserId, mailboxId: MailboxId): Promise<number> {
    return firstRecent(this.db, (await getMailboxRowById(this.db, userId, mailboxId)).id);
  }

  async mailboxStatus(userId: UserId, name: string, opts?: MailboxStatusOptions): Promise<MailboxStatus> {
    return this.ctx.read((c) => readStatus(c, userId, name, opts ?? {}));
  }

  async getMailboxById(userId: UserId, id: MailboxId): Promise<MailboxInfo> {
    return toMailboxInfo(await getMailboxRowById(this.db, userId, id));
  }

  async listMailboxes(userId: UserId): Promise<MailboxInfo[]> {
    return (await listMailboxRows(this.db, userId)).map(toMailboxInfo);
  }

  async listNoselect(userId: UserId): Promise<string[]> {
    return noselectList(this.db, userId);
  }

  async subscribe(userId: UserId, name: string): Promise<void> {
    validateMailboxName(name); // a name no mailbox could have is refused (an imported subscriptions file, SUBSCRIBE)
    await this.ctx.write(async (c) => ({ value: await subscribeName(c, (await getUserRow(c, userId, 'key-share')).id, name), changes: [] }));
  }

  async unsubscribe(userId: UserId, name: string): Promise<void> {
    if (!storable(name)) return; // no subscription holds it
    await query(this.ctx.pool, 'DELETE FROM subscriptions WHERE user_id = $1 AND name = $2', [userId, canonicalMailboxName(name)]);
  }

  async listSubscriptions(userId: UserId): Promise<string[]> {
    return subscriptions(this.db, userId);
  }

  async prepareImport(userId: UserId, name: string, opts?: { uidValidity?: number; modseqFloor?: number }): Promise<MailboxInfo> {
    return toMailboxInfo(
      await this.ctx.write(async (c) => ({ value: await prepareImport(c, userId, name, opts?.uidValidity, opts?.modseqFloor), changes: [] })),
    );
  }

  async raiseUidNext(userId: UserId, mailboxId: MailboxId, uidNext: number): Promise<void> {
    await this.ctx.write(async (c) => ({ value: await raiseUidNext(c, userId, mailboxId, uidNext), changes: [] }));
  }
}
