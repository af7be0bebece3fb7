// Typed transport errors shared by the line reader, connections and listeners (SPEC R11.1: a protocol
// answers these and goes on, or ends the session; nothing else escapes the framing layer for bad input).

/** A command line was longer than the limit; the reader already discarded it up to its line end (R11.2). */
export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  constructor(
    readonly maxLength: number,
    /** How many bytes of the line (without its terminator) were received and discarded. */
    readonly discarded: number,
  ) {
    super(`line longer than ${maxLength} bytes`);
  }
}

/** A DATA body exceeded the limit; the reader consumed it up to the terminating "." line (R11.2). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(
    readonly maxBytes: number,
    /** How many body bytes (after dot-unstuffing) were received and discarded. */
    readonly received: number,
  ) {
    super(`message body larger than ${maxBytes} bytes`);
  }
}

/**
 * The peer closed the connection, or the reader was retired (closed, or replaced by STARTTLS, R5.2). Made without
 * a stack trace: it is the ordinary end of every session, nobody reads its stack, and capturing one took 4 % of
 * the event loop in a storm of short IMAPS logins (issue 17 item 1) and 7 % while 10,000 IDLE sessions closed.
 */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  constructor(message = 'connection closed') {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** The TLS handshake failed, timed out, or the connection closed during it. */
export class TlsHandshakeError extends Error {
  override readonly name = 'TlsHandshakeError';
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}
