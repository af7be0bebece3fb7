// copy = "COPY" SP sequence-set SP mailbox; move = "MOVE" SP sequence-set SP mailbox; both also after "UID" SP
// (RFC 9051 §6.4.7-8, §6.4.9; RFC 6851 §3)
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import { sequenceSet } from '../sequence-set.js';
import type { Command } from '../types.js';

export function parseCopy(r: Reader, name: 'COPY' | 'MOVE', uid: boolean): Command {
  r.sp();
  const set = sequenceSet(r);
  r.sp();
  return { name, uid, set, mailbox: mailbox(r) };
}
