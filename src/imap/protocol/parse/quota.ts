// getquota = "GETQUOTA" SP quota-root-name; getquotaroot = "GETQUOTAROOT" SP mailbox;
// setquota = "SETQUOTA" SP quota-root-name SP setquota-list (RFC 9208 §4.1, §7).
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

/** RFC 9208 §7: quota-root-name = astring. */
function rootName(r: Reader): string {
  return r.text(r.astring('quota root'), 'quota root');
}

export function parseGetQuota(r: Reader): Command {
  r.sp();
  return { name: 'GETQUOTA', root: rootName(r) };
}

export function parseGetQuotaRoot(r: Reader): Command {
  r.sp();
  return { name: 'GETQUOTAROOT', mailbox: mailbox(r) };
}

/** setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"; setquota-resource = resource-name SP
 * resource-limit (atom, number64). Parsed in full so that a malformed one is BAD, then answered NO. */
export function parseSetQuota(r: Reader): Command {
  r.sp();
  const root = rootName(r);
  r.sp();
  r.list(() => {
    r.atom('resource name');
    r.sp();
    r.number(Number.MAX_SAFE_INTEGER, 'resource limit');
  }, true);
  return { name: 'SETQUOTA', root };
}
