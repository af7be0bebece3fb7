// expunge = "EXPUNGE"; uid-expunge = "UID" SP "EXPUNGE" SP sequence-set   (RFC 9051 §6.4.3, RFC 4315 §2.1)
import type { Reader } from '../reader.js';
import { sequenceSet } from '../sequence-set.js';
import type { Command } from '../types.js';

export function parseExpunge(r: Reader, uid: boolean): Command {
  if (!uid) return { name: 'EXPUNGE', uids: null };
  r.sp();
  return { name: 'EXPUNGE', uids: sequenceSet(r) };
}
