// LIST (RFC 9051 §6.3.9; RFC 5258 LIST-EXTENDED selection/return options; RFC 6154 SPECIAL-USE; RFC 3348
// CHILDREN; RFC 5819 LIST-STATUS) and LSUB (RFC 3501 §6.3.9), NAMESPACE (RFC 2342).
import { isStoreError } from '../../store/errors.js';
import type { MailboxInfo, MailboxStatus } from '../../store/types.js';
import type { CommandSpec, ImapContext } from '../context.js';
import { namesWithChildren } from '../mailbox-children.js';
import { DELIMITER, mailboxWire, patternMatcher } from '../mailbox-names.js';
import { raw } from '../protocol/encode.js';
import type { StatusItem } from '../protocol/types.js';
import { privacyRefusal } from '../privacy.js';
import { ok } from '../responses.js';
import { userOf } from '../state.js';
import { statusOptions, statusResponse } from './status.js';

const AUTHED = ['authenticated', 'selected'] as const;

interface Entry {
  name: string;
  attributes: string[];
  /** RFC 5258 mbox-list-extended, with its leading space ('' for none). */
  extended?: string;
}

/** The names above `name` in the hierarchy ('a/b/c' → 'a', 'a/b'). */
function parentsOf(name: string): string[] {
  const levels = name.split(DELIMITER);
  return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(DELIMITER));
}

function emit(ctx: ImapContext, verb: 'LIST' | 'LSUB', e: Entry): void {
  ctx.send(Buffer.concat([raw(`* ${verb} (${e.attributes.join(' ')}) "${DELIMITER}" `), mailboxWire(ctx, e.name), raw(`${e.extended ?? ''}\r\n`)]));
}

/**
 * RFC 5819 §2: the `* STATUS` of a listed selectable mailbox, right after its `* LIST`, from the same snapshot
 * STATUS reads. Omitted (as Dovecot does for a mailbox it cannot open) when the mailbox went away since the
 * listing, and for a mailbox holding REQUIRETLS mail on a session without TLS: its counts are not told (R3.4).
 */
async function listStatus(ctx: ImapContext, userId: number, name: string, items: readonly StatusItem[]): Promise<void> {
  let snapshot: MailboxStatus;
  try {
    snapshot = await ctx.services.store.mailboxStatus(userId, name, statusOptions(items));
  } catch (err) {
    if (isStoreError(err, 'not-found')) return;
    throw err;
  }
  if (privacyRefusal(ctx, snapshot.info) !== null) return; // R3.4
  ctx.send(statusResponse(ctx, snapshot.info, snapshot, items));
}

/**
 * RFC 9051 §6.3.2: the `* LIST` a rev2 SELECT or EXAMINE sends for the mailbox it opens, with the attributes
 * LIST gives it (children, special use).
 */
export async function sendOwnList(ctx: ImapContext, userId: number, name: string): Promise<void> {
  const { store } = ctx.services;
  const boxes = await store.listMailboxes(userId);
  const names = new Set([...boxes.map((b) => b.name), ...(await store.listNoselect(userId))]);
  const attributes = [namesWithChildren(names).has(name) ? '\\HasChildren' : '\\HasNoChildren'];
  const specialUse = boxes.find((b) => b.name === name)?.specialUse;
  if (specialUse) attributes.push(specialUse);
  emit(ctx, 'LIST', { name, attributes });
}

export const list: CommandSpec<'LIST'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, cmd) {
    const user = userOf(ctx.state)!;
    const { store } = ctx.services;
    if (cmd.patterns.length === 1 && cmd.patterns[0] === '' && cmd.selection.length === 0) {
      ctx.send(raw(`* LIST (\\Noselect) "${DELIMITER}" ""\r\n`)); // RFC 9051 §6.3.9: the delimiter query
      return { result: ok('LIST completed') };
    }
    const boxes = await store.listMailboxes(user.id);
    // Issue 13 item 17: names left \Noselect by DELETE of a mailbox with inferiors are listed as such.
    const noselect = new Set(await store.listNoselect(user.id));
    const names = new Set([...boxes.map((b) => b.name), ...noselect]);
    const parents = namesWithChildren(names); // RFC 3348: once per LIST, linear in the names (issue 13 item 8)
    const subscribed = new Set(await store.listSubscriptions(user.id));
    const selectSubscribed = cmd.selection.some((s) => s.toUpperCase() === 'SUBSCRIBED');
    const selectSpecial = cmd.selection.some((s) => s.toUpperCase() === 'SPECIAL-USE');
    const returns = new Set(cmd.returnOptions.map((r) => r.toUpperCase()));
    const matchers = cmd.patterns.map((p) => patternMatcher(cmd.reference, p));
    const byName = new Map<string, MailboxInfo>(boxes.map((b) => [b.name, b]));
    // RFC 5258 §3.5: with RECURSIVEMATCH, a name that is not itself selected but has a subscribed descendant is
    // listed too, and every listed name with one says so in CHILDINFO (the parser allows it with SUBSCRIBED only).
    const recursive = cmd.selection.some((s) => s.toUpperCase() === 'RECURSIVEMATCH');
    const subscribedParents = new Set<string>();
    if (recursive) for (const sub of subscribed) for (const parent of parentsOf(sub)) subscribedParents.add(parent);
    const candidates = selectSubscribed ? [...new Set([...subscribed, ...subscribedParents, ...names])] : [...names];
    const sorted = candidates.sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    for (const name of sorted) {
      if (!matchers.some((m) => m(name))) continue;
      const info = byName.get(name);
      const childInfo = subscribedParents.has(name);
      if (selectSubscribed && !subscribed.has(name) && !childInfo) continue;
      if (selectSpecial && !info?.specialUse) continue;
      const attributes: string[] = [];
      if (!names.has(name)) attributes.push('\\NonExistent');
      else if (noselect.has(name)) attributes.push('\\Noselect', '\\HasChildren'); // it always has inferiors
      else attributes.push(parents.has(name) ? '\\HasChildren' : '\\HasNoChildren');
      if ((selectSubscribed || returns.has('SUBSCRIBED')) && subscribed.has(name)) attributes.push('\\Subscribed');
      if (info?.specialUse) attributes.push(info.specialUse);
      emit(ctx, 'LIST', { name, attributes, extended: childInfo ? ' ("CHILDINFO" ("SUBSCRIBED"))' : '' });
      if (info && cmd.returnStatus !== null) await listStatus(ctx, user.id, name, cmd.returnStatus); // RFC 5819
    }
    return { result: ok('LIST completed') };
  },
};

export const lsub: CommandSpec<'LSUB'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { reference, pattern }) {
    if (pattern === null) return { result: ok('LSUB completed') }; // not a valid name: nothing matches
    const user = userOf(ctx.state)!;
    const { store } = ctx.services;
    const names = new Set((await store.listMailboxes(user.id)).map((b) => b.name));
    const matches = patternMatcher(reference, pattern);
    const subscribed = new Set(await store.listSubscriptions(user.id));
    const found = new Map<string, string[]>();
    for (const name of subscribed) {
      if (matches(name)) {
        found.set(name, names.has(name) ? [] : ['\\Noselect']);
        continue;
      }
      // RFC 3501 §6.3.9: with "foo/bar" subscribed and "foo" not, LSUB "" % "must return foo ... flagged with
      // the \Noselect attribute".
      const parts = name.split(DELIMITER);
      for (let n = parts.length - 1; n > 0; n--) {
        const parent = parts.slice(0, n).join(DELIMITER);
        if (!subscribed.has(parent) && !found.has(parent) && matches(parent)) found.set(parent, ['\\Noselect']);
      }
    }
    for (const name of [...found.keys()].sort()) emit(ctx, 'LSUB', { name, attributes: found.get(name)! });
    return { result: ok('LSUB completed') };
  },
};

export const namespace: CommandSpec<'NAMESPACE'> = {
  states: AUTHED,
  expunge: 'allowed',
  run(ctx) {
    ctx.send(raw(`* NAMESPACE (("" "${DELIMITER}")) NIL NIL\r\n`));
    return { result: ok('NAMESPACE completed') };
  },
};
