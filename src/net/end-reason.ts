// Why a session ended, as its logout line names it (issue 16 item 8; SPEC R10.4). The first cause noted on a
// connection wins: an idle timeout's BYE followed by the socket closing is an idle timeout, not a disconnect.
export type EndReason =
  /** The client said LOGOUT (IMAP) or QUIT (POP3, LMTP). */
  | 'logout'
  /** The client closed the connection without saying goodbye (or it was reset). */
  | 'disconnected'
  /** Nothing from the client for the idle timeout. */
  | 'idle-timeout'
  /** Not logged in within loginDeadlineSeconds. */
  | 'login-timeout'
  /** Too many invalid commands (R11.1). */
  | 'bad-commands'
  /** The server is shutting down (R10.5). */
  | 'shutdown'
  /** An administrator ended the session: postern kick. */
  | 'kicked'
  /** The user was disabled (postern user disable) while logged in. */
  | 'disabled'
  /** The user was deleted (postern user delete) while logged in. */
  | 'deleted'
  /** The selected mailbox was deleted, or REQUIRETLS mail reached a cleartext session (R3.4). */
  | 'mailbox-closed'
  /** A fault on our side or the socket's. */
  | 'error';
