// rename = "RENAME" SP mailbox SP mailbox   (RFC 9051 §6.3.6)
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseRename(r: Reader): Command {
  r.sp();
  const from = mailbox(r);
  r.sp();
  return { name: 'RENAME', from, to: mailbox(r, 'CANNOT') };
}
