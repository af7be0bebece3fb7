// SPEC R3.4 inside the store's write transactions: a write asked for by a session without TLS is refused
// ('privacy-required', protocol-neutral) when a mailbox it reads or changes holds REQUIRETLS mail. Checked on
// the rows read in the same transaction, so a delivery committed after the protocol's own check still counts.
import { StoreError } from '../errors.js';
import type { PrivacyGuard } from '../types.js';
import type { MailboxRow } from './rows.js';

export function refuseProtected(guard: PrivacyGuard, mailboxes: ReadonlyArray<Pick<MailboxRow, 'requiretls_messages'>>): void {
  if (guard.refuseProtected !== true) return;
  if (mailboxes.some((m) => m.requiretls_messages > 0)) {
    throw new StoreError('privacy-required', 'a mailbox involved holds mail that requires TLS'); // R3.4
  }
}
