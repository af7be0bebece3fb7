// lsub = "LSUB" SP mailbox SP list-mailbox   (RFC 3501 §6.3.9; the reference is not INBOX-normalised)
import { decodeName, listMailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseLsub(r: Reader): Command {
  r.sp();
  const reference = decodeName(r, r.astring('reference'), 'reference');
  r.sp();
  return { name: 'LSUB', reference, pattern: listMailbox(r) };
}
