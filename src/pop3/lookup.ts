// The -ERR for a message number that names nothing the session may use (RFC 1939 §5: a message marked as
// deleted is treated as absent by LIST, RETR, TOP, UIDL and DELE).
import type { Lookup } from './maildrop.js';
import { R, type Pop3Response } from './responses.js';

export function lookupFailure(why: Extract<Lookup, { ok: false }>['why']): Pop3Response {
  return why === 'deleted' ? R.alreadyDeleted() : R.noSuchMessage();
}
