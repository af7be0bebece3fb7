// subscribe = "SUBSCRIBE" SP mailbox; unsubscribe = "UNSUBSCRIBE" SP mailbox   (RFC 9051 §6.3.7-8)
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseSubscribe(r: Reader, name: 'SUBSCRIBE' | 'UNSUBSCRIBE'): Command {
  r.sp();
  return { name, mailbox: mailbox(r) };
}
