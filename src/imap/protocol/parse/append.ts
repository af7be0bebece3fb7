// append = "APPEND" SP mailbox 1*append-message; append-message = append-opts SP append-data
// append-opts = [SP flag-list] [SP date-time]; append-data = literal / literal8 / "UTF8" SP "(" literal8 ")" /
//   "CATENATE" SP "(" cat-part *(SP cat-part) ")"; cat-part = "TEXT" SP literal / "URL" SP astring /
//   "UTF8" SP "(" literal8 ")" (RFC 6855 §4 utf8-literal, with UTF8=ACCEPT advertised)
// (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND §6, RFC 3516 §4.4 literal8, RFC 6855 §4 UTF8, RFC 7888 LITERAL+,
// RFC 4469 §5 CATENATE)
import { dateTime, type ZonedDate } from '../date.js';
import { messageFlagList } from '../flag.js';
import { peekTag } from '../literal.js';
import { mailbox } from '../mailbox-name.js';
import { Reader } from '../reader.js';
import { ProtocolError, ProtocolRefusal, type AppendMessage, type CatenatePart, type Command } from '../types.js';

/** An APPEND's first message literal as announced: `{N}`, `{N+}`, `~{N}`, `~{N+}` at the end of the line. */
const MESSAGE_LITERAL = /^~?\{\d+\+?\}$/;

/** RFC 4469 §5 cat-part (a TEXT literal may be a literal8 where BINARY is advertised, RFC 3516 §4.4). */
function catPart(r: Reader): CatenatePart {
  const kind = r.keyword('CATENATE part');
  r.sp();
  if (kind === 'TEXT') {
    if (r.peek() !== 0x7b && r.peek() !== 0x7e) r.fail('Expected a literal after TEXT');
    return { kind: 'text', data: r.literal(true).data };
  }
  if (kind === 'URL') return { kind: 'url', url: r.astring('URL').toString('utf8') };
  if (kind === 'UTF8') {
    r.open();
    const { data, binary } = r.literal(true);
    if (!binary) r.fail('UTF8 append data is a literal8');
    r.close();
    return { kind: 'text', data };
  }
  return r.unknown('CATENATE part', kind);
}

function appendData(r: Reader): Pick<AppendMessage, 'message' | 'catenate'> {
  if (r.lookingAt('CATENATE (')) {
    r.pos += 'CATENATE '.length;
    return { message: Buffer.alloc(0), catenate: r.list(() => catPart(r), false) };
  }
  return { message: messageLiteral(r) };
}

function messageLiteral(r: Reader): Buffer {
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
    let date: ZonedDate | null = null;
    if (r.peek() === 0x28) {
      flags = messageFlagList(r);
      r.sp();
    }
    if (r.peek() === 0x22) {
      date = dateTime(r);
      r.sp();
    }
    messages.push({ flags, date, ...appendData(r) });
  }
  if (messages.length === 0) r.fail('Expected SP and a message');
  return { name: 'APPEND', mailbox: box, messages };
}

/**
 * Issue 13 item 14: when the command so far (exact wire bytes, ending with a literal marker) is an APPEND whose
 * marker announces its *first* message — `tag APPEND mailbox [flags] [date-time] {N}` — the mailbox named, so
 * that the session can refuse a missing one before inviting the literal. Null otherwise (another command, the
 * mailbox itself is the literal, a later message of a MULTIAPPEND, or a syntax error the full parse reports).
 */
export function appendFirstLiteral(buf: Buffer, utf8Accept: boolean): string | null {
  const tag = peekTag(buf);
  if (tag === null) return null;
  const r = new Reader(buf, tag, utf8Accept);
  r.pos = tag.length;
  try {
    r.sp();
    if (!r.lookingAt('APPEND ')) return null;
    r.pos += 6;
    r.sp();
    const box = mailbox(r);
    r.sp();
    if (r.peek() === 0x28) {
      messageFlagList(r);
      r.sp();
    }
    if (r.peek() === 0x22) {
      dateTime(r);
      r.sp();
    }
    if (r.lookingAt('UTF8 (')) r.pos += 6;
    return MESSAGE_LITERAL.test(buf.toString('latin1', r.pos)) ? box : null;
  } catch (err) {
    // Not a well-formed APPEND line, or a name the full parse refuses: the command itself answers for it.
    if (err instanceof ProtocolError || err instanceof ProtocolRefusal) return null;
    throw err;
  }
}
