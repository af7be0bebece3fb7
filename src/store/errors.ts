// Protocol-neutral storage errors (ARCHITECTURE.md "Errors and codes"): each protocol maps StoreError.kind
// to its own reply in exactly one exhaustive switch.

export type StoreErrorKind =
  | 'not-found' // no such user, mailbox or message (replies must not reveal which)
  | 'exists' // a mailbox or user of that name already exists
  | 'invalid-name' // a mailbox or user name the store refuses (empty, bad hierarchy, too long)
  | 'not-allowed' // the operation is never allowed on this object (delete INBOX, rename onto itself)
  | 'has-children' // delete of a mailbox with inferiors that is itself \Noselect
  | 'over-quota' // the user's quota would be exceeded
  | 'too-large' // a single message above the configured maximum
  | 'in-use' // locked by another session (POP3 maildrop)
  | 'privacy-required' // R3.4: a session without TLS named a mailbox holding REQUIRETLS mail (checked in the write)
  | 'temporary'; // the database was busy or failed in a way worth retrying

export class StoreError extends Error {
  readonly kind: StoreErrorKind;

  constructor(kind: StoreErrorKind, message: string) {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

export function isStoreError(err: unknown, kind?: StoreErrorKind): err is StoreError {
  return err instanceof StoreError && (kind === undefined || err.kind === kind);
}
