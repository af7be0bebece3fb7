// One mapping from storage errors to IMAP replies (ARCHITECTURE.md "Errors and codes"): an exhaustive
// switch, so a new StoreError kind is a compile error here. Replies never reveal whether a user exists.
import type { StoreError } from '../store/errors.js';
import { privacyRequired } from './privacy.js';
import { no, type TaggedResult } from './responses.js';

export function storeErrorResult(err: StoreError, what: 'mailbox' | 'message' | 'destination' = 'mailbox'): TaggedResult {
  switch (err.kind) {
    case 'not-found':
      return what === 'destination' ? no('Mailbox does not exist', 'TRYCREATE') : no('Mailbox does not exist', 'NONEXISTENT');
    case 'exists':
      return no('Mailbox already exists', 'ALREADYEXISTS');
    case 'invalid-name':
      return no(err.message, 'CANNOT');
    case 'not-allowed':
      return no(err.message, 'CANNOT');
    case 'has-children':
      // RFC 9051 §6.3.5: a refused DELETE of a mailbox with inferiors "SHOULD include the HASCHILDREN response code".
      return no('Mailbox has inferior mailboxes; delete them first', 'HASCHILDREN');
    case 'over-quota':
      return no('Quota exceeded', 'OVERQUOTA');
    case 'too-large':
      return no('Message too large', 'TOOBIG');
    case 'in-use':
      return no('Mailbox in use', 'INUSE');
    case 'temporary':
      return no('Temporary failure, try again', 'UNAVAILABLE');
    case 'privacy-required':
      return privacyRequired(); // R3.4: the store's check inside a cleartext session's write
    default: {
      const never: never = err.kind;
      return never;
    }
  }
}
