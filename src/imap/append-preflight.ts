// What an APPEND is refused for before the session sends "+" for its first message literal (issue 13 item 14;
// RFC 9051 §6.3.12, §7.5): a missing target mailbox (NO [TRYCREATE]) and a zero-length message, so that a
// client is never invited to upload octets that will be thrown away. Dovecot 2.3 answers both with NO there.
import { isStoreError } from '../store/errors.js';
import type { ImapServices } from './context.js';
import { storeErrorResult } from './errors.js';
import { appendFirstLiteral } from './protocol/parse/append.js';
import { no, type TaggedResult } from './responses.js';
import { userOf, type ImapState } from './state.js';

/**
 * The NO to answer instead of the continuation for a synchronising literal of `size` octets ending `soFar`
 * (the command's wire bytes up to the literal marker), or null to go on.
 */
export async function appendPreflight(
  services: ImapServices,
  state: ImapState,
  soFar: Buffer,
  size: number,
  utf8Accept: boolean,
): Promise<TaggedResult | null> {
  const user = userOf(state);
  if (user === null) return null;
  const name = appendFirstLiteral(soFar, utf8Accept);
  if (name === null) return null;
  if (size === 0) return zeroLengthRefusal();
  try {
    await services.store.getMailbox(user.id, name);
  } catch (err) {
    if (isStoreError(err, 'not-found')) return storeErrorResult(err, 'destination');
    // Anything else (an invalid name, a protected mailbox) is answered by the command itself, as before.
  }
  return null;
}

/** RFC 5322 §3.5 a message has at least a header; Dovecot refuses an empty one with NO. */
export function zeroLengthRefusal(): TaggedResult {
  return no('Refusing to save a zero-length message');
}
