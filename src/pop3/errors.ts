// StoreError → POP3 response (ARCHITECTURE.md "Errors and codes"): one exhaustive switch, RFC 3206 codes;
// never reveals whether a user or mailbox exists. And the error for a multi-line response cut short.
import type { StoreErrorKind } from '../store/errors.js';
import { R, type Pop3Response } from './responses.js';

export function storeErrorResponse(kind: StoreErrorKind): Pop3Response {
  switch (kind) {
    case 'not-found':
      return R.messageGone(); // the message or mailbox went away under the session (IMAP EXPUNGE, DELETE)
    case 'in-use':
      return R.inUse();
    case 'privacy-required':
      return R.requireTls(); // R3.4
    case 'temporary':
    case 'exists':
    case 'invalid-name':
    case 'not-allowed':
    case 'has-children':
    case 'over-quota':
    case 'too-large':
      return R.storeFailed();
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * A multi-line response (RETR) failed after its +OK was sent: the store failed, or gave other octets than
 * the count already promised (R8.2). Nothing can be said in-band any more; the session closes.
 */
export class ResponseBrokenError extends Error {
  override readonly name = 'ResponseBrokenError';
}
