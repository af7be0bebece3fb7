// LMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 2034, RFC 3463): one table of the replies
// this server gives, a comment per row, and the wire formatting of single- and multi-line replies.

export interface Reply {
  code: number;
  /** Enhanced status code (RFC 3463), omitted only on the greeting and LHLO lines (RFC 2034 §3). */
  enhanced: string | null;
  lines: string[];
}

export function reply(code: number, enhanced: string | null, ...lines: string[]): Reply {
  return { code, enhanced, lines: lines.length > 0 ? lines : [''] };
}

/** Formats a reply; CR and LF in text are replaced so that no reply can inject another (R11.1). */
export function formatReply(r: Reply): string {
  const clean = r.lines.map((l) => l.replace(/[\r\n]+/g, ' '));
  return clean
    .map((line, i) => {
      const sep = i === clean.length - 1 ? ' ' : '-';
      const text = r.enhanced === null ? line : `${r.enhanced} ${line}`;
      return `${r.code}${sep}${text}`;
    })
    .join('\r\n')
    .concat('\r\n');
}

/** The replies, by what happened. */
export const R = {
  // 2xx ---------------------------------------------------------------------------------------------------
  ok: (text = 'OK') => reply(250, '2.0.0', text), // generic success (RSET, NOOP)
  senderOk: () => reply(250, '2.1.0', 'Sender OK'), // RFC 3463 2.1.0: other address status (originator)
  recipientOk: () => reply(250, '2.1.5', 'Recipient OK'), // 2.1.5: destination address valid
  stored: (id: string, rcpt: string) => reply(250, '2.0.0', `<${rcpt}> ${id} Saved`), // R1.4: durably stored
  chunkOk: (n: number) => reply(250, '2.0.0', `${n} octets received`), // BDAT chunk accepted
  vrfy: () => reply(252, '2.5.0', 'Cannot VRFY user, but will accept message for delivery'), // RFC 5321 §3.5.3
  bye: (host: string) => reply(221, '2.0.0', `${host} closing connection`),
  authOk: () => reply(235, '2.7.0', 'Authentication successful'), // RFC 4954 §6
  startTls: () => reply(220, '2.0.0', 'Ready to start TLS'), // RFC 3207 §4
  help: () => reply(214, '2.0.0', 'Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH', 'See RFC 2033'),
  // 3xx ---------------------------------------------------------------------------------------------------
  dataGo: () => reply(354, null, 'Start mail input; end with <CRLF>.<CRLF>'),
  // 4xx ---------------------------------------------------------------------------------------------------
  shuttingDown: (host: string) => reply(421, '4.3.2', `${host} Service shutting down`),
  tooManyConnections: (host: string) => reply(421, '4.7.0', `${host} Too many connections, try again later`),
  idleTimeout: (host: string) => reply(421, '4.4.2', `${host} Idle timeout, closing connection`),
  storeFailed: () => reply(451, '4.3.0', 'Temporary failure storing the message, try again later'), // R1.4
  quotaTemp: (rcpt: string) => reply(452, '4.2.2', `<${rcpt}> Mailbox is full, try again later`), // over quota, temporary by configuration
  tooManyRecipients: () => reply(452, '4.5.3', 'Too many recipients'), // RFC 5321 §4.5.3.1.10
  authTemp: () => reply(454, '4.7.0', 'Temporary authentication failure'), // RFC 4954 §6
  // 5xx ---------------------------------------------------------------------------------------------------
  badSequence: (text: string) => reply(503, '5.5.1', text), // commands out of order (incl. AUTH in a transaction, seed 000)
  notImplemented: (text: string) => reply(502, '5.5.1', text),
  useLhlo: () => reply(500, '5.5.1', 'This is LMTP: say LHLO'), // R1.2: HELO/EHLO get 500
  tlsFirst: () => reply(530, '5.7.0', 'Must issue a STARTTLS command first'), // R5.3, seed 000: 530, not 505/538
  requireTlsNeedsTls: () => reply(530, '5.7.10', 'REQUIRETLS needed: use STARTTLS first'), // R3.2, RFC 8689 §4.1
  authRequired: () => reply(530, '5.7.0', 'Authentication required'),
  authFailed: () => reply(535, '5.7.8', 'Authentication credentials invalid'), // RFC 4954 §6
  authCancelled: () => reply(501, '5.7.0', 'Authentication cancelled'),
  authMalformed: () => reply(501, '5.5.2', 'Cannot decode response'), // RFC 4954 §4: bad base64
  mechanismUnavailable: () => reply(504, '5.5.4', 'Unrecognized or unavailable authentication mechanism'),
  mechanismTooWeak: () => reply(538, '5.7.11', 'Encryption required for requested authentication mechanism'),
  alreadyAuthenticated: () => reply(503, '5.5.1', 'Already authenticated'),
  noSuchUser: (rcpt: string) => reply(550, '5.1.1', `<${rcpt}> No such user here`), // R1.4
  quotaFull: (rcpt: string) => reply(552, '5.2.2', `<${rcpt}> Mailbox is full`), // R1.4 over quota
  messageTooBig: (max: number) => reply(552, '5.3.4', `Message size exceeds fixed maximum of ${max} octets`),
  lineTooLong: () => reply(500, '5.5.6', 'Line too long'),
  tooManyErrors: (host: string) => reply(421, '4.7.0', `${host} Too many errors, closing connection`),
  notTrusted: (what: string) => reply(550, '5.7.1', `${what} is only accepted from trusted clients`),
} as const;
