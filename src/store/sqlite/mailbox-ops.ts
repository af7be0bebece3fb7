// Mailbox use cases: CREATE (RFC 9051 §6.3.4, RFC 6154 §5.2), DELETE (§6.3.5; RFC 3501 §6.3.4 \Noselect
// parents, issue 13 item 17) and RENAME (§6.3.6), including the special rename of INBOX (its messages move to
// the new mailbox, INBOX stays and is emptied).
import type { MailboxChange } from '../changes.js';
import { StoreError } from '../errors.js';
import { SPECIAL_USES, type PrivacyGuard, type SpecialUse } from '../types.js';
import { canonicalMailboxName, INBOX, isInbox, isInferior, parentNames, validateMailboxName } from './names.js';
import { refuseProtected } from './privacy.js';
import type { Outcome, Repos } from './repos.js';
import type { MailboxRow } from './rows.js';
import { copyRows, expungeRows } from './transfer.js';

export function createMailbox(repos: Repos, userId: number, rawName: string, specialUse: SpecialUse | null): MailboxRow {
  repos.users.get(userId);
  if (specialUse !== null && !(SPECIAL_USES as readonly string[]).includes(specialUse)) {
    throw new StoreError('invalid-name', `${JSON.stringify(specialUse)} is not a special-use attribute (RFC 6154)`);
  }
  const name = validateMailboxName(rawName);
  if (repos.mailboxes.find(userId, name)) throw new StoreError('exists', `mailbox ${JSON.stringify(name)} already exists`);
  // Issue 13 item 17: CREATE of a \Noselect name makes it a mailbox again, a new one (fresh UIDVALIDITY).
  repos.noselect.remove(userId, name);
  createParents(repos, userId, name);
  return repos.mailboxes.insert(userId, name, specialUse);
}

/**
 * DELETE (RFC 3501 §6.3.4, issue 13 item 17, as Dovecot): the mailbox and its messages go; when it has
 * inferiors its name stays as a \Noselect placeholder. DELETE of a placeholder (which always has inferiors)
 * is refused; a placeholder left without inferiors goes too. INBOX is never deleted.
 */
export function deleteMailbox(repos: Repos, userId: number, name: string, guard: PrivacyGuard = {}): Outcome<void> {
  if (isInbox(name)) throw new StoreError('not-allowed', 'INBOX cannot be deleted');
  const mailbox = repos.mailboxes.find(userId, name);
  if (!mailbox) {
    if (repos.noselect.has(userId, name)) {
      throw new StoreError('has-children', `${JSON.stringify(name)} is \\Noselect and has inferior mailboxes; delete them first`);
    }
    throw new StoreError('not-found', `no mailbox ${JSON.stringify(name)}`);
  }
  refuseProtected(guard, [mailbox]); // R3.4
  repos.messages.deleteAllIn(mailbox.id);
  repos.mailboxes.deleteRow(mailbox.id);
  if (repos.mailboxes.inferiors(userId, mailbox.name).length > 0) repos.noselect.add(userId, mailbox.name);
  else repos.noselect.pruneAbove(userId, mailbox.name);
  return { value: undefined, changes: [{ kind: 'deleted', mailboxId: mailbox.id }] };
}

/** Creates the missing parents of `name` as mailboxes (RFC 9051 §6.3.4); a \Noselect parent stays one. */
function createParents(repos: Repos, userId: number, name: string): void {
  for (const parent of parentNames(name)) {
    if (!repos.mailboxes.find(userId, parent) && !repos.noselect.has(userId, parent)) repos.mailboxes.insert(userId, parent, null);
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
  const found = repos.mailboxes.find(userId, from);
  // Issue 13 item 17: a \Noselect placeholder renames as its subtree (as Dovecot does).
  const sourceName = found?.name ?? canonicalMailboxName(from);
  if (!found && !repos.noselect.has(userId, sourceName)) throw new StoreError('not-found', `no mailbox ${JSON.stringify(from)}`);
  // R3.4: the mailbox, and every inferior whose name the rename changes (INBOX's inferiors stay where they are).
  const inferiors = sourceName === INBOX ? [] : repos.mailboxes.inferiors(userId, sourceName).map((m) => repos.mailboxes.getById(userId, m.id));
  refuseProtected(guard, found ? [found, ...inferiors] : inferiors);
  const to = validateMailboxName(rawTo);
  if (to === sourceName) throw new StoreError('not-allowed', `cannot rename ${JSON.stringify(to)} onto itself`);
  if (repos.mailboxes.find(userId, to) || repos.noselect.has(userId, to)) {
    throw new StoreError('exists', `mailbox ${JSON.stringify(to)} already exists`);
  }
  if (isInferior(to, sourceName)) {
    throw new StoreError('not-allowed', `cannot rename ${JSON.stringify(sourceName)} into its own inferior`);
  }
  if (found && found.name === INBOX) return renameInbox(repos, userId, found, to);
  createParents(repos, userId, to);
  const placeholders = repos.noselect.subtree(userId, sourceName);
  for (const p of placeholders) repos.noselect.remove(userId, p);
  for (const p of placeholders) repos.noselect.add(userId, to + p.slice(sourceName.length));
  const renamed = repos.mailboxes.renameTree(userId, sourceName, to);
  repos.noselect.pruneAbove(userId, sourceName); // its old parents may have lost their last inferior
  const changes: MailboxChange[] = renamed.map(([mailboxId, name]) => ({ kind: 'renamed', mailboxId, name }));
  return { value: undefined, changes };
}
