// cancelupdate = "CANCELUPDATE" 1*(SP quoted)   (RFC 5267 §4.3: the tags of SEARCH RETURN (UPDATE) commands)
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseCancelUpdate(r: Reader): Command {
  const tags: string[] = [];
  r.sp();
  do tags.push(r.text(r.quoted(), 'tag'));
  while (r.more());
  return { name: 'CANCELUPDATE', tags };
}
