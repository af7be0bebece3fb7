// Mailbox and user names as the store accepts them (RFC 9051 §5.1): INBOX case-insensitive and stored as
// 'INBOX', other names case-sensitive; hierarchy levels separated by '/', none empty.
import { StoreError } from '../errors.js';
import { HIERARCHY_DELIMITER } from '../types.js';

export const INBOX = 'INBOX';
export const MAX_MAILBOX_NAME_LENGTH = 512;
export const MAX_MAILBOX_DEPTH = 16;
export const MAX_USER_NAME_LENGTH = 255;

// C0 control characters and DEL.
const CONTROL = /[\x00-\x1f\x7f]/;

/** Upper-cases a first hierarchy level equal to INBOX in any case ('inbox/x' → 'INBOX/x'). */
export function canonicalMailboxName(name: string): string {
  const cut = name.indexOf(HIERARCHY_DELIMITER);
  const first = cut < 0 ? name : name.slice(0, cut);
  if (first.toUpperCase() !== INBOX) return name;
  return cut < 0 ? INBOX : INBOX + name.slice(cut);
}

export function isInbox(name: string): boolean {
  return canonicalMailboxName(name) === INBOX;
}

/** Validates a mailbox name and returns its canonical form; throws StoreError 'invalid-name'. */
export function validateMailboxName(name: string): string {
  const fail = (why: string): never => {
    throw new StoreError('invalid-name', `mailbox name ${JSON.stringify(name)} ${why}`);
  };
  if (name.length === 0) fail('is empty');
  if (name.length > MAX_MAILBOX_NAME_LENGTH) fail(`is longer than ${MAX_MAILBOX_NAME_LENGTH} characters`);
  if (CONTROL.test(name)) fail('contains a control character');
  // Issue 13 item 9: a lone UTF-16 surrogate cannot be stored as UTF-8 (SQLite would turn it into U+FFFD).
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name)) fail('contains a lone surrogate');
  if (/[*%]/.test(name)) fail('contains a LIST wildcard (* or %)');
  if (name.startsWith(HIERARCHY_DELIMITER) || name.endsWith(HIERARCHY_DELIMITER)) {
    fail(`starts or ends with the hierarchy delimiter ${HIERARCHY_DELIMITER}`);
  }
  const levels = name.split(HIERARCHY_DELIMITER);
  if (levels.some((level) => level.length === 0)) fail('has an empty hierarchy level');
  if (levels.length > MAX_MAILBOX_DEPTH) fail(`is nested deeper than ${MAX_MAILBOX_DEPTH} levels`);
  return canonicalMailboxName(name);
}

/** The names of the missing-or-not parents of a mailbox, outermost first ('a/b/c' → ['a', 'a/b']). */
export function parentNames(name: string): string[] {
  const levels = name.split(HIERARCHY_DELIMITER);
  const out: string[] = [];
  for (let i = 1; i < levels.length; i++) out.push(levels.slice(0, i).join(HIERARCHY_DELIMITER));
  return out;
}

/** Whether `name` lies strictly below `ancestor` in the hierarchy. */
export function isInferior(name: string, ancestor: string): boolean {
  return name.startsWith(ancestor + HIERARCHY_DELIMITER);
}

/** Validates a login name; returns the case-insensitive key it is stored under. */
export function userNameKey(name: string): string {
  if (name.length === 0 || name.length > MAX_USER_NAME_LENGTH || CONTROL.test(name) || /\s/.test(name)) {
    throw new StoreError('invalid-name', `user name ${JSON.stringify(name)} is empty, too long or has spaces or controls`);
  }
  return name.toLowerCase();
}
