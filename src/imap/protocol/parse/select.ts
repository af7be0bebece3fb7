// select = "SELECT" SP mailbox [select-params]; examine = "EXAMINE" SP mailbox [select-params]
// select-params = SP "(" select-param *(SP select-param) ")"   (RFC 9051 §6.3.1-2, RFC 4466 §2.5, RFC 7162 §3.1.8)
// select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
// seq-match-data = "(" known-sequence-set SP known-uid-set ")"   (RFC 7162 §3.2.5, §7)
import { mailbox } from '../mailbox-name.js';
import { modSequence, type Reader } from '../reader.js';
import { sequenceSet } from '../sequence-set.js';
import type { Command, QresyncParams } from '../types.js';

function qresyncParams(r: Reader): QresyncParams {
  r.sp();
  r.open();
  const uidValidity = r.nzNumber(undefined, 'QRESYNC uidvalidity');
  r.sp();
  const modseq = modSequence(r, 'QRESYNC mod-sequence');
  if (modseq === 0) r.fail('QRESYNC mod-sequence must be above 0');
  let knownUids = null;
  let seqMatch = null;
  if (r.peek() === 0x20) {
    r.sp();
    if (r.peek() !== 0x28) {
      knownUids = sequenceSet(r);
      if (r.peek() === 0x20) r.sp();
    }
    if (r.peek() === 0x28) {
      r.open();
      const seqs = sequenceSet(r);
      r.sp();
      const uids = sequenceSet(r);
      r.close();
      seqMatch = { seqs, uids };
    }
  }
  r.close();
  return { uidValidity, modseq, knownUids, seqMatch };
}

export function parseSelect(r: Reader, name: 'SELECT' | 'EXAMINE'): Command {
  r.sp();
  const box = mailbox(r);
  let condstore = false;
  let qresync: QresyncParams | null = null;
  if (r.more()) {
    r.list(() => {
      const param = r.keyword('select parameter');
      if (param === 'CONDSTORE') condstore = true;
      else if (param === 'QRESYNC' && qresync === null) qresync = qresyncParams(r);
      else r.unknown(`${name} parameter`, param);
    }, false);
  }
  return qresync === null ? { name, mailbox: box, condstore } : { name, mailbox: box, condstore, qresync };
}
