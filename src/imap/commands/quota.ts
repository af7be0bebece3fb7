// GETQUOTA, GETQUOTAROOT, SETQUOTA (RFC 9208 §4.1; SPEC R7.2, R3.4): one quota root per user, "User quota" (as
// Dovecot names its default root), covering
// every mailbox of the user. Its resources come from the store's counters (no message is read): STORAGE, the sum
// of RFC822.SIZE in units of 1024 octets (§5.1), listed only when the user has a limit (`quotaBytes`); a user
// without a limit has the root with no resources (§3.2). SETQUOTA is answered NO: limits are the administrator's
// (`postern quota set`), which RFC 9208 §4.1.3 allows. Without TLS, a user holding REQUIRETLS mail anywhere is not
// told the usage, which counts that mail (R3.4).
import type { QuotaUsage } from '../../store/types.js';
import type { CommandSpec, ImapContext } from '../context.js';
import { mailboxWire } from '../mailbox-names.js';
import { privacyRequired } from '../privacy.js';
import { raw, string } from '../protocol/encode.js';
import { no, ok, type TaggedResult } from '../responses.js';
import { userOf } from '../state.js';

const AUTHED = ['authenticated', 'selected'] as const;

/** The one quota root's name (RFC 9208 §3.2: the server chooses it). */
export const QUOTA_ROOT = 'User quota';

/** RFC 9208 §5.1: STORAGE counts 1024-octet units; usage rounded up, the limit down, so usage ≤ limit never
 * claims room the store would refuse. */
export function storageResource(usage: Pick<QuotaUsage, 'usedBytes' | 'limitBytes'>): string | null {
  if (usage.limitBytes === null) return null;
  return `STORAGE ${Math.ceil(usage.usedBytes / 1024)} ${Math.floor(usage.limitBytes / 1024)}`;
}

async function quotaLine(ctx: ImapContext, userId: number): Promise<Buffer | TaggedResult> {
  const usage = await ctx.services.store.quotaUsage(userId);
  if (ctx.facts.tls === null && usage.requireTlsMessages > 0) return privacyRequired(); // R3.4
  const resources = [storageResource(usage)].filter((r): r is string => r !== null);
  return Buffer.concat([raw('* QUOTA '), string(QUOTA_ROOT), raw(` (${resources.join(' ')})\r\n`)]);
}

export const getQuota: CommandSpec<'GETQUOTA'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { root }) {
    const user = userOf(ctx.state)!;
    if (root !== QUOTA_ROOT) return { result: no(`No such quota root: ${root.slice(0, 100)}`) };
    const line = await quotaLine(ctx, user.id);
    if (!Buffer.isBuffer(line)) return { result: line };
    ctx.send(line);
    return { result: ok('GETQUOTA completed') };
  },
};

export const getQuotaRoot: CommandSpec<'GETQUOTAROOT'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { mailbox }) {
    const user = userOf(ctx.state)!;
    const info = await ctx.services.store.getMailbox(user.id, mailbox); // NO for a missing mailbox (errors.ts)
    const line = await quotaLine(ctx, user.id);
    if (!Buffer.isBuffer(line)) return { result: line };
    ctx.send(Buffer.concat([raw('* QUOTAROOT '), mailboxWire(ctx, info.name), raw(' '), string(QUOTA_ROOT), raw('\r\n')]));
    ctx.send(line);
    return { result: ok('GETQUOTAROOT completed') };
  },
};

export const setQuota: CommandSpec<'SETQUOTA'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run() {
    return { result: no('Quota limits are set by the administrator (postern quota set)', 'NOPERM') };
  },
};
