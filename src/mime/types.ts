// The MIME message model (RFC 2045–2047, RFC 2183, RFC 2231, RFC 5322): a tree of parts with byte offsets,
// computed once at ingest and stored, from which IMAP renders BODYSTRUCTURE, ENVELOPE and BODY[section].
// Offsets are relative to the start of the bytes parsed (for stored messages: the shared body, without the
// per-recipient trace prefix).

/** An address as ENVELOPE wants it (RFC 9051 §7.5.2): a group start has mailbox=name, host=null; a group end all null. */
export interface EnvelopeAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** ENVELOPE fields, as raw (undecoded, unfolded) header values (RFC 9051 §7.5.2). */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/**
 * A Content-Type or Content-Disposition parameter: lower-case name and decoded value; `extended` when the value
 * was written in the RFC 2231 extended form (`name*=charset'lang'…`), so that BODYSTRUCTURE can send it back in
 * that form, and a raw 8-bit value (`name="été.pdf"`) under its own name (issue 13 item 12, as Dovecot).
 */
export type MimeParam = [name: string, value: string, extended?: true];

export interface MimePart {
  /** Where this part's header starts, where its body starts (after the blank line), where its body ends. */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Lower-case media type and subtype; text/plain by default (RFC 2045 §5.2). */
  type: string;
  subtype: string;
  /** Content-Type parameters, names lower-cased, RFC 2231 continuations joined and decoded. */
  params: MimeParam[];
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding as given, upper-cased; 7BIT by default. */
  encoding: string;
  md5: string | null;
  disposition: { type: string; params: MimeParam[] } | null;
  language: string[] | null;
  location: string | null;
  /** Octets of the body (bodyEnd - bodyStart). */
  size: number;
  /** Lines of the body, for text/* and message/rfc822 (RFC 9051 §7.5.2 body-fld-lines). */
  lines: number;
  /** Sub-parts of a multipart. */
  children: MimePart[];
  /** The encapsulated message of a message/rfc822 (or message/global) part, with its own envelope. */
  message: MimeMessage | null;
}

export interface MimeMessage {
  envelope: Envelope;
  /** The top-level part (the message's own header and body). */
  root: MimePart;
}
