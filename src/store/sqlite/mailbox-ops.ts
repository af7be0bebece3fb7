// Mailbox use cases: CREATE (RFC 9051 §6.3.4, RFC 6154 §5.2), DELETE (§6.3.5) and RENAME (§6.3.6), including
// the special rename of INBOX (its messages move to the new mailbox, INBOX stays and is emptied).
import type { MailboxChange } from '../changes.js';
import { StoreError } from '../errors.js';
import { SPECIAL_USES, type PrivacyGuard, type SpecialUse } from '../types.js';
import { INBOX, isInbox, isInferior, parentNames, validateMailboxName } from './names.js';
import { refuseProtected } from './privacy.js';
import type { Outcome, Repos } from './repos.js';
import type { MailboxRow } from './rows.js';
import { copyRows, expungeRows } from './transfer.js';

export function createMailbox(repos: Repos, userId: number, name: string, specialUse: SpecialUse | null): MailboxRow {
  repos.users.get(userId);
  if (specialUse !== null && !(SPECIAL_USES as readonly string[]).includes(specialUse)) {
    throw new StoreError('invalid-name', `${JSON.stringify(specialUse)} is not a special-use attribute (RFC 6154)`);
  }
  return repos.mailboxes.create(userId, name, specialUse);
}

/** Deletes a mailbox without inferiors and its messages; INBOX is never deleted. */
export function deleteMailbox(repos: Repos, userId: number, name: string, guard: PrivacyGuard = {}): Outcome<void> {
  if (isInbox(name)) throw new StoreError('not-allowed', 'INBOX cannot be deleted');
  const mailbox = repos.mailboxes.get(userId, name);
  refuseProtected(guard, [mailbox]); // R3.4
  if (repos.mailboxes.inferiors(userId, mailbox.name).length > 0) {
    throw new StoreError('has-children', `mailbox ${JSON.stringify(mailbox.name)} has inferior mailboxes; delete them first`);
  }
  repos.messages.deleteAllIn(mailbox.id);
  repos.mailboxes.deleteRow(mailbox.id);
  return { value: undefined, changes: [{ kind: 'deleted', mailboxId: mailbox.id }] };
}

function createParents(repos: Repos, userId: number, name: string): void {
  for (const parent of parentNames(name)) {
    if (!repos.mailboxes.find(userId, parent)) repos.mailboxes.insert(userId, parent, null);
  }
}

/** RFC 9051 §6.3.6: INBOX's messages move to a new mailbox; INBOX and its inferiors stay. */
function renameInbox(repos: Repos, userId: number, inbox: MailboxRow, to: string): Outcome<void> {
  createParents(repos, userId, to);
  const target = repos.mailboxes.insert(userId, to, null);
  const rows = repos.messages.list(inbox.id);
  const copied = copyRows(repos, rows, target.id);
  const removed = expungeRows(repos, inbox.id, rows);
  return { value: undefined, changes: [...copied.changes, ...removed.changes] };
}

export function renameMailbox(repos: Repos, userId: number, from: string, rawTo: string, guard: PrivacyGuard = {}): Outcome<void> {
  const source = repos.mailboxes.get(userId, from);
  // R3.4: the mailbox, and every inferior whose name the rename changes (INBOX's inferiors stay where they are).
  const inferiors = source.name === INBOX ? [] : repos.mailboxes.inferiors(userId, source.name).map((m) => repos.mailboxes.getById(userId, m.id));
  refuseProtected(guard, [source, ...inferiors]);
  const to = validateMailboxName(rawTo);
  if (to === source.name) throw new StoreError('not-allowed', `cannot rename ${JSON.stringify(to)} onto itself`);
  if (repos.mailboxes.find(userId, to)) throw new StoreError('exists', `mailbox ${JSON.stringify(to)} already exists`);
  if (isInferior(to, source.name)) {
    throw new StoreError('not-allowed', `cannot rename ${JSON.stringify(source.name)} into its own inferior`);
  }
  if (source.name === INBOX) return renameInbox(repos, userId, source, to);
  createParents(repos, userId, to);
  const renamed = repos.mailboxes.renameTree(userId, source.name, to);
  const changes: MailboxChange[] = renamed.map(([mailboxId, name]) => ({ kind: 'renamed', mailboxId, name }));
  return { value: undefined, changes };
}
