// create = "CREATE" SP mailbox [create-params]; create-params = SP "(" create-param *(SP create-param) ")"
// create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")"   (RFC 9051 §6.3.4, RFC 4466 §2.2, RFC 6154 §5.2)
import { flag } from '../flag.js';
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseCreate(r: Reader): Command {
  r.sp();
  const box = mailbox(r, 'CANNOT');
  const specialUse: string[] = [];
  if (r.more()) {
    r.list(() => {
      const param = r.keyword('CREATE parameter');
      if (param !== 'USE') r.unknown('CREATE parameter', param);
      r.sp();
      for (const attr of r.list(() => flag(r), true)) {
        if (!attr.startsWith('\\')) r.fail('A special-use attribute starts with "\\"');
        specialUse.push(attr);
      }
    }, false);
  }
  return { name: 'CREATE', mailbox: box, specialUse };
}
