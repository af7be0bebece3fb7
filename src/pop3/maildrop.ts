// The maildrop of one POP3 session (RFC 1939 §5, §7, §8; SPEC R8.2): INBOX as it was at login, with message
// numbers fixed for the session, exact octet counts, deletion marks that only QUIT applies, and unique-ids
// derived from UIDVALIDITY and UID (stable across sessions, unique per mailbox incarnation), or the one a message
// imported from Dovecot had there (issue 16 item 1).
import type { MailboxId, MessageMeta } from '../store/types.js';

export interface MaildropMessage {
  /** Message number, 1-based, fixed for the session (RFC 1939 §5). */
  msg: number;
  uid: number;
  /** Octets of the message as RETR sends it before byte-stuffing (MessageMeta.size). */
  octets: number;
}

export type Lookup = { ok: true; message: MaildropMessage } | { ok: false; why: 'no-such-message' | 'deleted' };

/** RFC 1939 §7 UIDL: 1–70 characters from 0x21–0x7E. `<uidvalidity>.<uid>`, both decimal, fits in 21. */
export function uniqueId(uidValidity: number, uid: number): string {
  return `${uidValidity}.${uid}`;
}

export class Maildrop {
  private readonly messages: readonly MaildropMessage[];
  private readonly marked = new Set<number>();
  private readonly retrieved = new Set<number>();

  constructor(
    readonly mailboxId: MailboxId,
    readonly uidValidity: number,
    snapshot: ReadonlyArray<Pick<MessageMeta, 'uid' | 'size'>>,
    /** Unique-ids kept from the server the messages were imported from (issue 16 item 1), by UID. */
    private readonly importedIds: ReadonlyMap<number, string> = new Map(),
  ) {
    this.messages = snapshot.map((m, i) => ({ msg: i + 1, uid: m.uid, octets: m.size }));
    for (let i = 1; i < this.messages.length; i++) {
      // The store lists ascending by UID; numbers follow that order, so UIDL and numbers agree across sessions.
      if (this.messages[i - 1]!.uid >= this.messages[i]!.uid) throw new Error('maildrop snapshot is not in ascending UID order');
    }
  }

  /** A message that is not marked deleted, or why not (RFC 1939 §5: marked messages are not listed). */
  get(msg: number): Lookup {
    const message = this.messages[msg - 1];
    if (message === undefined || msg < 1) return { ok: false, why: 'no-such-message' };
    if (this.marked.has(msg)) return { ok: false, why: 'deleted' };
    return { ok: true, message };
  }

  /** The messages not marked deleted, in number order. */
  live(): MaildropMessage[] {
    return this.messages.filter((m) => !this.marked.has(m.msg));
  }

  /** STAT's drop listing: count and octets of the messages not marked deleted (RFC 1939 §5). */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const m of this.live()) {
      count += 1;
      octets += m.octets;
    }
    return { count, octets };
  }

  uniqueId(message: MaildropMessage): string {
    return this.importedIds.get(message.uid) ?? uniqueId(this.uidValidity, message.uid);
  }

  /** DELE: marks a message; false when it does not exist or is marked already. */
  mark(msg: number): boolean {
    if (!this.get(msg).ok) return false;
    this.marked.add(msg);
    return true;
  }

  /** RSET: unmarks every message (RFC 1939 §5). */
  reset(): void {
    this.marked.clear();
  }

  /** RETR: the message was downloaded; QUIT marks it \Seen for IMAP clients, as Dovecot does. */
  noteRetrieved(msg: number): void {
    this.retrieved.add(msg);
  }

  /** The UIDs downloaded with RETR and not marked deleted, ascending: QUIT sets \Seen on them. */
  retrievedUids(): number[] {
    return this.messages.filter((m) => this.retrieved.has(m.msg) && !this.marked.has(m.msg)).map((m) => m.uid);
  }

  /** The UIDs QUIT removes in the UPDATE state, ascending. */
  markedUids(): number[] {
    return this.messages.filter((m) => this.marked.has(m.msg)).map((m) => m.uid);
  }
}
