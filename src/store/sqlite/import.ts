// Import use cases (issue 16 item 1, `postern import`): a mailbox made ready to receive messages with the
// UIDVALIDITY, UIDs and UIDNEXT they had on another server (RFC 9051 §2.3.1.1), so that clients resync nothing.
// The messages themselves go through APPEND's ingest path (deliver.ts append) with AppendInput.uid.
import { StoreError } from '../errors.js';
import { createMailbox } from './mailbox-ops.js';
import type { Repos } from './repos.js';
import type { MailboxRow } from './rows.js';

/**
 * The mailbox `name` (created with its parents when absent), holding `uidValidity` when given: an empty mailbox
 * adopts it; one that holds messages under another UIDVALIDITY is refused ('exists'), since its UIDs would mix.
 */
export function prepareImport(repos: Repos, userId: number, name: string, uidValidity: number | undefined, modseqFloor = 0): MailboxRow {
  const found = repos.mailboxes.find(userId, name) ?? createMailbox(repos, userId, name, null);
  if (uidValidity === undefined) return found;
  if (!Number.isSafeInteger(uidValidity) || uidValidity < 1 || uidValidity > 0xffffffff) {
    throw new StoreError('invalid-name', `UIDVALIDITY ${uidValidity} out of range`);
  }
  if (!repos.mailboxes.adoptUidValidity(found.id, uidValidity, modseqFloor)) {
    throw new StoreError(
      'exists',
      `mailbox ${JSON.stringify(found.name)} already holds ${found.messages} messages under UIDVALIDITY ${found.uid_validity}, ` +
        `not the source's ${uidValidity}; import into an empty mailbox (--mailbox NAME) or delete it first`,
    );
  }
  return repos.mailboxes.getById(userId, found.id);
}
