// Which user a recipient address names (SPEC R1.4): the full address, else its local part, with the
// subaddress (RFC 5233 `user+detail@`) removed; the detail may name the target mailbox (config).
import { isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { Address } from './protocol/address.js';

export interface RecipientTarget {
  userId: number;
  quotaBytes: number | null;
  mailbox?: string;
}

export async function resolveRecipient(
  store: Store,
  to: Address,
  opts: { delimiter: string; detailMailbox: boolean },
): Promise<RecipientTarget | null> {
  let base = to.localPart;
  let detail: string | null = null;
  if (opts.delimiter !== '') {
    const at = base.indexOf(opts.delimiter);
    if (at > 0) {
      detail = base.slice(at + 1);
      base = base.slice(0, at);
    }
  }
  const candidates = to.domain === '' ? [base] : [`${base}@${to.domain}`, base];
  for (const name of candidates) {
    const user = await store.findUser(name);
    if (!user) continue;
    const target: RecipientTarget = { userId: user.id, quotaBytes: user.quotaBytes };
    if (opts.detailMailbox && detail !== null && detail !== '') {
      try {
        target.mailbox = (await store.getMailbox(user.id, detail)).name;
      } catch (err) {
        if (!isStoreError(err, 'not-found') && !isStoreError(err, 'invalid-name')) throw err;
      }
    }
    return target;
  }
  return null;
}

/** Over quota already, or would be with a message of `size` octets (MAIL FROM SIZE=). */
export async function overQuota(store: Store, target: RecipientTarget, size: number | null): Promise<boolean> {
  if (target.quotaBytes === null) return false;
  const usage = await store.quotaUsage(target.userId);
  return size === null ? usage.usedBytes >= target.quotaBytes : usage.usedBytes + size > target.quotaBytes;
}
