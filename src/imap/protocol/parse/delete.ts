// delete = "DELETE" SP mailbox   (RFC 9051 §6.3.5)
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseDelete(r: Reader): Command {
  r.sp();
  return { name: 'DELETE', mailbox: mailbox(r) };
}
