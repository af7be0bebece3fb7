// lsub = "LSUB" SP mailbox SP list-mailbox   (RFC 3501 §6.3.9; the reference is not INBOX-normalised)
import { listMailbox, reference as readReference } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseLsub(r: Reader): Command {
  r.sp();
  const reference = readReference(r);
  r.sp();
  const pattern = listMailbox(r);
  // Issue 13 item 9: a reference or pattern that is not a valid name matches nothing (not BAD).
  return { name: 'LSUB', reference: reference ?? '', pattern: reference === null ? null : pattern };
}
