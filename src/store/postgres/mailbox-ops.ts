// The PostgreSQL store's mailbox use cases (issue 18), as the SQLite store's mailbox-ops.ts and import.ts: CREATE
// (RFC 9051 §6.3.4, RFC 6154 §5.2), DELETE (§6.3.5; RFC 3501 §6.3.4 \Noselect parents, issue 13 item 17), RENAME
// (§6.3.6, including INBOX's: its messages move to the new mailbox), SUBSCRIBE (§6.3.7) and `postern import`'s
// preparation (issue 16 item 1). Each runs inside the caller's transaction; R3.4 checks on rows locked in it.
import type { MailboxChange } from '../changes.js';
import { StoreError } from '../errors.js';
import { SPECIAL_USES, type PrivacyGuard, type SpecialUse } from '../types.js';
import { canonicalMailboxName, INBOX, isInbox, isInferior, parentNames, validateMailboxName } from '../sqlite/names.js';
import { refuseProtected } from '../sqlite/privacy.js';
import type { MailboxRow } from '../sqlite/rows.js';
import type { Outcome } from './context.js';
import { moveAllMessages } from './inbox-rename.js';
import {
  findMailbox,
  getMailboxRowById,
  inferiors,
  insertMailbox,
  noselectAdd,
  noselectHas,
  noselectPruneAbove,
  noselectRemove,
  noselectSubtree,
  storable,
  subscriptions,
  type Queryable,
} from './mailboxes.js';
import { getUserRow } from './users.js';

/** Copied from src/store/sqlite/mailboxes.ts IMPORTED_MODSEQ_FLOOR (that file takes a SqliteDb): issue 16 item 1. */
const IMPORTED_MODSEQ_FLOOR = 2 ** 32;

const exists = (name: string): StoreError => new StoreError('exists', `mailbox ${JSON.stringify(name)} already exists`);

/** Inserts the mailbox; 'exists' when one of that name was committed meanwhile by another front end. */
async function insertNew(db: Queryable, userId: number, name: string, specialUse: SpecialUse | null): Promise<MailboxRow> {
  const row = await insertMailbox(db, userId, name, specialUse);
  if (!row) throw exists(name);
  return row;
}

export async function createMailbox(db: Queryable, userId: number, rawName: string, specialUse: SpecialUse | null): Promise<MailboxRow> {
  await getUserRow(db, userId, 'key-share');
  if (specialUse !== null && !(SPECIAL_USES as readonly string[]).includes(specialUse)) {
    throw new StoreError('invalid-name', `${JSON.stringify(specialUse)} is not a special-use attribute (RFC 6154)`);
  }
  const name = validateMailboxName(rawName);
  if (await findMailbox(db, userId, name)) throw exists(name);
  // Issue 13 item 17: CREATE of a \Noselect name makes it a mailbox again, a new one (fresh UIDVALIDITY).
  await noselectRemove(db, userId, name);
  await createParents(db, userId, name);
  return insertNew(db, userId, name, specialUse);
}

/** Creates the missing parents of `name` as mailboxes (RFC 9051 §6.3.4); a \Noselect parent stays one. */
async function createParents(db: Queryable, userId: number, name: string): Promise<void> {
  for (const parent of parentNames(name)) {
    // A parent created meanwhile by another front end is as good as ours (insertMailbox then inserts nothing).
    if (!(await findMailbox(db, userId, parent)) && !(await noselectHas(db, userId, parent))) await insertMailbox(db, userId, parent, null);
  }
}

/**
 * DELETE (RFC 3501 §6.3.4, issue 13 item 17, as Dovecot): the mailbox and its messages go; when it has inferiors
 * its name stays as a \Noselect placeholder. DELETE of a placeholder is refused; a placeholder left without
 * inferiors goes too. INBOX is never deleted.
 */
export async function deleteMailbox(db: Queryable, userId: number, name: string, guard: PrivacyGuard = {}): Promise<Outcome<void>> {
  if (isInbox(name)) throw new StoreError('not-allowed', 'INBOX cannot be deleted');
  const mailbox = await findMailbox(db, userId, name, 'update');
  if (!mailbox) {
    if (await noselectHas(db, userId, name)) {
      throw new StoreError('has-children', `${JSON.stringify(name)} is \\Noselect and has inferior mailboxes; delete them first`);
    }
    throw new StoreError('not-found', `no mailbox ${JSON.stringify(name)}`);
  }
  refuseProtected(guard, [mailbox]); // R3.4, on the row locked here: no delivery can add to it before the commit
  await db.query('DELETE FROM messages WHERE mailbox_id = $1', [mailbox.id]);
  await db.query('DELETE FROM mailboxes WHERE id = $1', [mailbox.id]);
  if ((await inferiors(db, userId, mailbox.name)).length > 0) await noselectAdd(db, userId, mailbox.name);
  else await noselectPruneAbove(db, userId, mailbox.name);
  return { value: undefined, changes: [{ kind: 'deleted', mailboxId: mailbox.id }] };
}

/** RFC 9051 §6.3.6: INBOX's messages move to a new mailbox; INBOX and its inferiors stay. */
async function renameInbox(db: Queryable, userId: number, inbox: MailboxRow, to: string): Promise<Outcome<void>> {
  await createParents(db, userId, to);
  const target = await insertNew(db, userId, to, null);
  // Locks in ascending id order (the new mailbox's id is above INBOX's, which is locked already).
  await getMailboxRowById(db, userId, target.id, 'update');
  return { value: undefined, changes: await moveAllMessages(db, inbox.id, target.id) };
}

export async function renameMailbox(db: Queryable, userId: number, from: string, rawTo: string, guard: PrivacyGuard = {}): Promise<Outcome<void>> {
  if (storable(from)) {
    // The mailbox and its inferiors locked first, in ascending id order as every writer locks mailboxes.
    const name = canonicalMailboxName(from);
    await db.query('SELECT id FROM mailboxes WHERE user_id = $1 AND (name = $2 OR starts_with(name, $3)) ORDER BY id FOR UPDATE', [
      userId,
      name,
      `${name}/`,
    ]);
  }
  const found = await findMailbox(db, userId, from, 'update');
  // Issue 13 item 17: a \Noselect placeholder renames as its subtree (as Dovecot does).
  const sourceName = found?.name ?? canonicalMailboxName(from);
  if (!found && !(await noselectHas(db, userId, sourceName))) throw new StoreError('not-found', `no mailbox ${JSON.stringify(from)}`);
  // R3.4: the mailbox, and every inferior whose name the rename changes (INBOX's inferiors stay where they are).
  const below = sourceName === INBOX ? [] : await inferiors(db, userId, sourceName);
  const locked: MailboxRow[] = [];
  for (const m of [...below].sort((a, b) => a.id - b.id)) locked.push(await getMailboxRowById(db, userId, m.id, 'update'));
  const byId = new Map(locked.map((m) => [m.id, m]));
  const inferiorRows = below.map((m) => byId.get(m.id)!);
  refuseProtected(guard, found ? [found, ...inferiorRows] : inferiorRows);
  const to = validateMailboxName(rawTo);
  if (to === sourceName) throw new StoreError('not-allowed', `cannot rename ${JSON.stringify(to)} onto itself`);
  if ((await findMailbox(db, userId, to)) || (await noselectHas(db, userId, to))) throw exists(to);
  if (isInferior(to, sourceName)) {
    throw new StoreError('not-allowed', `cannot rename ${JSON.stringify(sourceName)} into its own inferior`);
  }
  if (found && found.name === INBOX) return renameInbox(db, userId, found, to);
  await createParents(db, userId, to);
  const placeholders = await noselectSubtree(db, userId, sourceName);
  for (const p of placeholders) await noselectRemove(db, userId, p);
  for (const p of placeholders) await noselectAdd(db, userId, to + p.slice(sourceName.length));
  const renamed = await renameTree(db, userId, found, below, sourceName, to);
  await noselectPruneAbove(db, userId, sourceName); // its old parents may have lost their last inferior
  const changes: MailboxChange[] = renamed.map(([mailboxId, name]) => ({ kind: 'renamed', mailboxId, name }));
  return { value: undefined, changes };
}

/** The mailbox (absent for a placeholder) and its inferiors renamed, with their subscriptions; [id, new name] pairs. */
async function renameTree(
  db: Queryable,
  userId: number,
  source: MailboxRow | undefined,
  below: ReadonlyArray<{ id: number; name: string }>,
  from: string,
  to: string,
): Promise<Array<[number, string]>> {
  const renamed: Array<[number, string]> = source ? [[source.id, to]] : [];
  for (const child of below) renamed.push([child.id, to + child.name.slice(from.length)]);
  if (renamed.length > 0) {
    const ids = renamed.map(([id]) => id);
    // Two passes through temporary names, so that no intermediate state violates UNIQUE (user_id, name).
    await db.query("UPDATE mailboxes SET name = chr(1) || 'renaming' || chr(1) || id WHERE id = ANY($1::bigint[])", [ids]);
    try {
      await db.query(
        'UPDATE mailboxes m SET name = r.name FROM unnest($1::bigint[], $2::text[]) AS r(id, name) WHERE m.id = r.id',
        [ids, renamed.map(([, name]) => name)],
      );
    } catch (err) {
      // A mailbox under one of the new names, created meanwhile by another front end (unique_violation).
      if ((err as { code?: unknown }).code === '23505') throw exists(to);
      throw err;
    }
  }
  for (const sub of await subscriptions(db, userId)) {
    if (sub === from || isInferior(sub, from)) {
      const name = to + sub.slice(from.length);
      // As SQLite's UPDATE OR REPLACE: a subscription already under the new name gives way.
      await db.query('DELETE FROM subscriptions WHERE user_id = $1 AND name = $2', [userId, name]);
      await db.query('UPDATE subscriptions SET name = $1 WHERE user_id = $2 AND name = $3', [name, userId, sub]);
    }
  }
  return renamed;
}

/**
 * `postern import` (issue 16 item 1): the mailbox `name` (created with its parents when absent), holding
 * `uidValidity` when given: an empty mailbox adopts it; one that holds messages under another is refused ('exists').
 */
export async function prepareImport(
  db: Queryable,
  userId: number,
  name: string,
  uidValidity: number | undefined,
  modseqFloor = 0,
): Promise<MailboxRow> {
  await getUserRow(db, userId, 'key-share');
  const found = (await findMailbox(db, userId, name, 'update')) ?? (await createMailbox(db, userId, name, null));
  if (uidValidity === undefined) return found;
  if (!Number.isSafeInteger(uidValidity) || uidValidity < 1 || uidValidity > 0xffffffff) {
    throw new StoreError('invalid-name', `UIDVALIDITY ${uidValidity} out of range`);
  }
  const row = await getMailboxRowById(db, userId, found.id, 'update');
  if (row.uid_validity !== uidValidity) {
    if (row.messages !== 0) {
      throw new StoreError(
        'exists',
        `mailbox ${JSON.stringify(found.name)} already holds ${found.messages} messages under UIDVALIDITY ${found.uid_validity}, ` +
          `not the source's ${uidValidity}; import into an empty mailbox (--mailbox NAME) or delete it first`,
      );
    }
    // As the SQLite store's MailboxRepo.adoptUidValidity: UIDNEXT back to 1 under the new UIDVALIDITY, the old
    // UIDs' expunge log forgotten, every later change ranked above the source's mod-sequences (RFC 7162 §3.1.1),
    // and no UIDVALIDITY handed out later at or below it.
    await db.query('UPDATE mailboxes SET uid_validity = $1, uid_next = 1 WHERE id = $2 AND messages = 0 AND uid_validity <> $1', [
      uidValidity,
      row.id,
    ]);
    await db.query('DELETE FROM expunged WHERE mailbox_id = $1', [row.id]);
    await db.query(
      'UPDATE mailboxes SET highest_modseq = GREATEST(highest_modseq, $1), expunge_horizon = GREATEST(expunge_horizon, $1) WHERE id = $2',
      [Math.max(IMPORTED_MODSEQ_FLOOR, modseqFloor), row.id], // migrate-store: above the source's HIGHESTMODSEQ too
    );
    await db.query("UPDATE store_state SET value = GREATEST(value, $1) WHERE key = 'last_uid_validity'", [uidValidity]);
  }
  return getMailboxRowById(db, userId, found.id);
}

/** `postern import`: UIDNEXT at least `uidNext`. */
export async function raiseUidNext(db: Queryable, userId: number, mailboxId: number, uidNext: number): Promise<void> {
  const row = await getMailboxRowById(db, userId, mailboxId);
  await db.query('UPDATE mailboxes SET uid_next = GREATEST(uid_next, $1) WHERE id = $2', [uidNext, row.id]);
}
