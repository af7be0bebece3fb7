// What `postern import` reads (issue 16 item 1): a source is a list of mailboxes, each a stream of messages read
// one at a time (constant memory: never a whole mailbox nor a whole mbox file in memory).

export interface SourceMessage {
  /** The UID on the source server (Dovecot), or the position in the source (1, 2, ...) when it has none. */
  uid: number;
  /** System flags with backslash, and keywords. */
  flags: string[];
  internalDate: Date;
  /** The POP3 unique-id the source server served (RFC 1939 §7); absent: Postern's own. */
  pop3Uidl?: string;
  /** Where it is, for messages ("cur/1796...:2,S", "inbox.mbox message 12"). */
  where: string;
  /** The message as it is to be served: CRLF line ends. */
  read(): Promise<Buffer>;
  /** The size the source says it serves (Dovecot's W= size), checked by verify when present. */
  servedSize?: number;
  /** Delivered with REQUIRETLS (RFC 8689), when the source knows (another Postern store): verify compares it. */
  requireTls?: boolean;
}

export interface SourceMailbox {
  /** The Postern mailbox name ("/" separated). */
  name: string;
  /** The source's UIDVALIDITY: when present, UIDs are kept; when absent, Postern numbers the messages. */
  uidValidity?: number;
  /** The messages in ascending UID order; each call reads the source again. */
  messages(): AsyncIterable<SourceMessage>;
  /** After messages() has been read to the end: the source's UIDNEXT (above UIDs it expunged), when known. */
  uidNext(): number | undefined;
  /** Once messages() has started: how many it will yield at most, when the source knows (a progress bar). */
  expected?(): number | undefined;
}

export interface ImportSource {
  mailboxes(): Promise<SourceMailbox[]>;
  /** Mailbox names (Postern's) the user subscribed to on the source. */
  subscriptions(): Promise<string[]>;
}

/**
 * Dovecot's default pop3_uidl_format "%08Xu%08Xv": the UID then the UIDVALIDITY, each as 8 hex digits; Dovecot's
 * %X writes lower-case hex (seen from Debian's Dovecot 2.3.19 in test/integration/cli/import.test.ts). What a
 * Dovecot POP3 server without saved UIDLs answered.
 */
export function dovecotDefaultUidl(uid: number, uidValidity: number): string {
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  return `${hex(uid)}${hex(uidValidity)}`;
}
