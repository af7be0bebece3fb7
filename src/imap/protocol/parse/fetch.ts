// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
//         [fetch-modifiers]; fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"
// (RFC 9051 §6.4.5, RFC 4466 §2.4, RFC 7162 §3.1.4.1 CHANGEDSINCE, §3.2.6 VANISHED, RFC 9394 §3.3 PARTIAL);
// also after "UID" SP (§6.4.9).
import { modSequence, type Reader } from '../reader.js';
import { sequenceSet } from '../sequence-set.js';
import type { Command, FetchAttribute, PartialRange } from '../types.js';
import { partialRange } from './partial-range.js';
import { attributeName, fetchAttribute, MACROS } from './fetch-attribute.js';

function items(r: Reader): FetchAttribute[] {
  if (r.peek() === 0x28) return r.list(() => fetchAttribute(r), false);
  const start = r.pos;
  const macro = MACROS.get(attributeName(r));
  if (macro && r.peek() !== 0x5b) return macro.map((a) => ({ ...a }));
  r.pos = start;
  return [fetchAttribute(r)];
}

export function parseFetch(r: Reader, uid: boolean): Command {
  r.sp();
  const set = sequenceSet(r);
  r.sp();
  const attributes = items(r);
  let changedSince: number | null = null;
  let vanished = false;
  let partial: PartialRange | null = null;
  if (r.more()) {
    r.list(() => {
      const modifier = r.keyword('fetch modifier');
      if (modifier === 'PARTIAL') {
        // RFC 9394 §3.3: a UID FETCH modifier, as VANISHED.
        if (!uid) r.fail('PARTIAL is a UID FETCH modifier');
        if (partial !== null) r.fail('PARTIAL given twice');
        r.sp();
        partial = partialRange(r);
        return;
      }
      if (modifier === 'VANISHED') {
        // RFC 7162 §3.2.6: UID FETCH only, and only with CHANGEDSINCE (checked below).
        if (!uid) r.fail('VANISHED is a UID FETCH modifier');
        if (vanished) r.fail('VANISHED given twice');
        vanished = true;
        return;
      }
      if (modifier !== 'CHANGEDSINCE') r.unknown('FETCH modifier', modifier);
      if (changedSince !== null) r.fail('CHANGEDSINCE given twice');
      r.sp();
      changedSince = modSequence(r, 'CHANGEDSINCE mod-sequence');
    }, false);
    if (vanished && changedSince === null) r.fail('VANISHED needs CHANGEDSINCE');
  }
  const command: Command & { name: 'FETCH' } = vanished
    ? { name: 'FETCH', uid, set, attributes, changedSince, vanished: true }
    : { name: 'FETCH', uid, set, attributes, changedSince };
  return partial === null ? command : { ...command, partial };
}
