// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags   (RFC 9051 §6.4.6, RFC 7162 §3.1.3)
// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
// store-modifiers = SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"; also after "UID" SP (§6.4.9)
import { messageFlag, messageFlagList } from '../flag.js';
import { modSequence, type Reader } from '../reader.js';
import { sequenceSet } from '../sequence-set.js';
import type { Command, StoreMode } from '../types.js';

const ITEMS = new Map<string, { mode: StoreMode; silent: boolean }>([
  ['FLAGS', { mode: 'replace', silent: false }],
  ['FLAGS.SILENT', { mode: 'replace', silent: true }],
  ['+FLAGS', { mode: 'add', silent: false }],
  ['+FLAGS.SILENT', { mode: 'add', silent: true }],
  ['-FLAGS', { mode: 'remove', silent: false }],
  ['-FLAGS.SILENT', { mode: 'remove', silent: true }],
]);

export function parseStore(r: Reader, uid: boolean): Command {
  r.sp();
  const set = sequenceSet(r);
  r.sp();
  let unchangedSince: number | null = null;
  if (r.peek() === 0x28) {
    r.list(() => {
      const modifier = r.keyword('store modifier');
      if (modifier !== 'UNCHANGEDSINCE') r.unknown('STORE modifier', modifier);
      if (unchangedSince !== null) r.fail('UNCHANGEDSINCE given twice');
      r.sp();
      unchangedSince = modSequence(r, 'UNCHANGEDSINCE mod-sequence');
    }, false);
    r.sp();
  }
  const item = r.keyword('FLAGS, +FLAGS or -FLAGS');
  const how = ITEMS.get(item) ?? r.unknown('store item', item);
  r.sp();
  let flags: string[];
  if (r.peek() === 0x28) flags = messageFlagList(r);
  else {
    flags = [messageFlag(r)];
    while (r.more()) flags.push(messageFlag(r));
  }
  return { name: 'STORE', uid, set, mode: how.mode, silent: how.silent, flags, unchangedSince };
}
