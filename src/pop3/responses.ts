// POP3 responses (RFC 1939 §3) with extended response codes (RFC 2449 §8, RFC 3206): one table of the
// responses this server gives, a comment per row, and their wire form. SASL continuations are "+ " (RFC 5034 §4).

/** Response codes exactly as on the wire (RFC 3206 §4–§5, RFC 2449 §8.1). */
export type RespCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE';

export interface Pop3Response {
  status: '+OK' | '-ERR' | '+';
  code: RespCode | null;
  text: string;
  /** The lines of a multi-line response (RFC 1939 §3), unstuffed; formatting stuffs and terminates them. */
  lines?: readonly string[];
}

const okr = (text: string, lines?: readonly string[]): Pop3Response =>
  lines === undefined ? { status: '+OK', code: null, text } : { status: '+OK', code: null, text, lines };
const err = (text: string, code: RespCode | null = null): Pop3Response => ({ status: '-ERR', code, text });

/** CR, LF and NUL in text are replaced so that no response can inject another (R11.1). */
const clean = (s: string): string => s.replace(/[\r\n\0]+/g, ' ');

/** The wire form: status line, then for multi-line responses the byte-stuffed lines and ".". */
export function formatResponse(r: Pop3Response): string {
  const code = r.code === null ? '' : `[${r.code}] `;
  const text = clean(`${code}${r.text}`);
  // RFC 5034 §4: a challenge is "+ " and the base64 text, even when that text is empty.
  const first = text === '' && r.status !== '+' ? `${r.status}\r\n` : `${r.status} ${text}\r\n`;
  if (r.lines === undefined) return first;
  const body = r.lines.map((l) => {
    const line = clean(l);
    return line.startsWith('.') ? `.${line}\r\n` : `${line}\r\n`;
  });
  return `${first}${body.join('')}.\r\n`;
}

/** The responses, by what happened. */
export const R = {
  // +OK -------------------------------------------------------------------------------------------------
  greeting: (host: string) => okr(`${host} POP3 Postern ready`), // RFC 1939 §4
  ok: () => okr(''), // NOOP: a bare +OK
  capa: (caps: readonly string[]) => okr('Capability list follows', caps), // RFC 2449 §5
  mechanisms: (names: readonly string[]) => okr('Mechanisms follow', names), // bare AUTH (Outlook probes with it)
  userOk: () => okr('Send PASS'), // RFC 1939 §7 USER: never says whether the user exists
  loggedIn: (count: number, octets: number) => okr(`Logged in, ${count} messages (${octets} octets)`), // §7 PASS
  stat: (count: number, octets: number) => okr(`${count} ${octets}`), // RFC 1939 §5 STAT: exact form
  scanListing: (msg: number, octets: number) => okr(`${msg} ${octets}`), // §5 LIST msg
  scanList: (count: number, octets: number, lines: readonly string[]) => okr(`${count} messages (${octets} octets)`, lines),
  uidListing: (msg: number, uid: string) => okr(`${msg} ${uid}`), // §7 UIDL msg
  uidList: (lines: readonly string[]) => okr('Unique-ID listing follows', lines),
  message: (octets: number) => okr(`${octets} octets`), // §5 RETR, followed by the stuffed message
  top: () => okr('Top of message follows'), // §7 TOP
  deleted: (msg: number) => okr(`Message ${msg} deleted`), // §5 DELE
  reset: (count: number, octets: number) => okr(`Maildrop has ${count} messages (${octets} octets)`), // §5 RSET
  stls: () => okr('Begin TLS negotiation'), // RFC 2595 §4
  utf8: () => okr('UTF8 enabled'), // RFC 6856 §2
  bye: (host: string) => okr(`${host} POP3 server signing off`), // §6 QUIT outside TRANSACTION
  byeDeleted: (host: string, n: number) => okr(`${host} POP3 server signing off (${n} messages deleted)`), // §6 UPDATE
  // "+ " SASL continuation (RFC 5034 §4) -----------------------------------------------------------------
  challenge: (base64: string): Pop3Response => ({ status: '+', code: null, text: base64 }),
  // -ERR ------------------------------------------------------------------------------------------------
  unknownCommand: () => err('Unknown command'),
  syntax: (text: string) => err(`Syntax: ${text}`),
  wrongState: () => err('Command not valid in this state'), // RFC 1939 §3
  lineTooLong: () => err('Line too long'), // R11.2
  tooManyErrors: () => err('Too many bad commands, closing connection'), // R11.1
  noSuchMessage: () => err('No such message'), // §5 out of range
  alreadyDeleted: () => err('Message already deleted'), // §5 DELE/RETR of a marked message
  messageGone: () => err('Message was removed by another session'), // expunged via IMAP meanwhile
  userFirst: () => err('Send USER first'), // §7 PASS without USER
  plaintextDisabled: () => err('Plaintext authentication disallowed without TLS; use STLS or SCRAM-SHA-256', 'AUTH'), // R5.3
  tlsFirst: () => err('Must issue STLS first'), // listener with requireTls (R5.3)
  authFailed: () => err('Authentication failed', 'AUTH'), // RFC 3206 §4: same text for unknown user and bad password (R6.4)
  authCancelled: () => err('Authentication cancelled'), // RFC 5034 §4 "*"
  authMalformed: () => err('Invalid base64 in SASL response'), // R6.2
  mechanismUnavailable: () => err('Unrecognized or unavailable authentication mechanism'), // RFC 5034 §4
  authTemp: () => err('Temporary authentication failure, try again later', 'SYS/TEMP'), // RFC 3206 §5
  // R3.4, RFC 3206 §5: nothing of the maildrop is revealed; the client must come back over TLS.
  requireTls: () => err('This maildrop holds mail that must only be read over TLS; use STLS or POP3S', 'SYS/PERM'),
  inUse: () => err('Maildrop already locked by another POP3 session', 'IN-USE'), // RFC 2449 §8.1.1, R8.2
  storeFailed: () => err('Temporary failure reading the maildrop, try again later', 'SYS/TEMP'), // RFC 3206 §5
  notRemoved: () => err('Some deleted messages not removed; try again later', 'SYS/TEMP'), // RFC 1939 §6 UPDATE failure
  stlsUnavailable: () => err('STLS not available here'), // RFC 2595 §4
  tlsActive: () => err('TLS already active'), // RFC 2595 §4
  idleTimeout: () => err('Autologout; idle for too long'), // RFC 1939 §3 autologout (no UPDATE)
  loginTimeout: () => err('Login timed out'), // R11.2: not logged in within limits.loginDeadlineSeconds
  shuttingDown: () => err('Server shutting down', 'SYS/TEMP'),
  // Issue 16 item 5: `postern kick` — RFC 3206 §5 SYS/TEMP, the user may come back at once.
  kicked: () => err('Session ended by the administrator', 'SYS/TEMP'),
  // Issue 16 items 7, 10: RFC 3206 §5 SYS/PERM — retrying will not help; the user should ask the administrator.
  accountDisabled: () => err('Account disabled by the administrator', 'SYS/PERM'),
  accountDeleted: () => err('Account removed by the administrator', 'SYS/PERM'),
  tooManyConnections: () => err('Too many connections, try again later', 'SYS/TEMP'), // R11.2
  notPop3: () => err('This is a POP3 server'), // an HTTP request line: answer once and hang up
} as const;
