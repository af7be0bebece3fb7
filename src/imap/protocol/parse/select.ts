// select = "SELECT" SP mailbox [select-params]; examine = "EXAMINE" SP mailbox [select-params]
// select-params = SP "(" select-param *(SP select-param) ")"   (RFC 9051 §6.3.1-2, RFC 4466 §2.5, RFC 7162 §3.1.8)
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseSelect(r: Reader, name: 'SELECT' | 'EXAMINE'): Command {
  r.sp();
  const box = mailbox(r);
  let condstore = false;
  if (r.more()) {
    r.list(() => {
      const param = r.keyword('select parameter');
      if (param !== 'CONDSTORE') r.unknown(`${name} parameter`, param);
      condstore = true;
    }, false);
  }
  return { name, mailbox: box, condstore };
}
