// append = "APPEND" SP mailbox 1*append-message; append-message = append-opts SP append-data
// append-opts = [SP flag-list] [SP date-time]; append-data = literal / literal8 / "UTF8" SP "(" literal8 ")"
// (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND §6, RFC 3516 §4.4 literal8, RFC 6855 §4 UTF8, RFC 7888 LITERAL+)
import { dateTime } from '../date.js';
import { flagList } from '../flag.js';
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { AppendMessage, Command } from '../types.js';

function appendData(r: Reader): Buffer {
  if (r.lookingAt('UTF8 (')) {
    r.pos += 5;
    r.open();
    const { data, binary } = r.literal(true);
    if (!binary) r.fail('UTF8 append data is a literal8');
    r.close();
    return data;
  }
  if (r.peek() !== 0x7b && r.peek() !== 0x7e) r.fail('Expected the message as a literal');
  return r.literal(true).data;
}

export function parseAppend(r: Reader): Command {
  r.sp();
  const box = mailbox(r);
  const messages: AppendMessage[] = [];
  while (r.more()) {
    let flags: string[] = [];
    let date: Date | null = null;
    if (r.peek() === 0x28) {
      flags = flagList(r);
      r.sp();
    }
    if (r.peek() === 0x22) {
      date = dateTime(r);
      r.sp();
    }
    messages.push({ flags, date, message: appendData(r) });
  }
  if (messages.length === 0) r.fail('Expected SP and a message');
  return { name: 'APPEND', mailbox: box, messages };
}
