// LIST (RFC 9051 §6.3.9; RFC 5258 LIST-EXTENDED selection/return options; RFC 6154 SPECIAL-USE; RFC 3348
// CHILDREN) and LSUB (RFC 3501 §6.3.9), NAMESPACE (RFC 2342).
import type { MailboxInfo } from '../../store/types.js';
import type { CommandSpec, ImapContext } from '../context.js';
import { namesWithChildren } from '../mailbox-children.js';
import { DELIMITER, mailboxWire, patternMatcher } from '../mailbox-names.js';
import { raw } from '../protocol/encode.js';
import { ok } from '../responses.js';
import { userOf } from '../state.js';

const AUTHED = ['authenticated', 'selected'] as const;

interface Entry {
  name: string;
  attributes: string[];
}

function emit(ctx: ImapContext, verb: 'LIST' | 'LSUB', e: Entry): void {
  ctx.send(Buffer.concat([raw(`* ${verb} (${e.attributes.join(' ')}) "${DELIMITER}" `), mailboxWire(ctx, e.name), raw('\r\n')]));
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
    const names = new Set(boxes.map((b) => b.name));
    const parents = namesWithChildren(names); // RFC 3348: once per LIST, linear in the names (issue 13 item 8)
    const subscribed = new Set(await store.listSubscriptions(user.id));
    const selectSubscribed = cmd.selection.some((s) => s.toUpperCase() === 'SUBSCRIBED');
    const selectSpecial = cmd.selection.some((s) => s.toUpperCase() === 'SPECIAL-USE');
    const returns = new Set(cmd.returnOptions.map((r) => r.toUpperCase()));
    const matchers = cmd.patterns.map((p) => patternMatcher(cmd.reference, p));
    const byName = new Map<string, MailboxInfo>(boxes.map((b) => [b.name, b]));
    const candidates = selectSubscribed ? [...new Set([...subscribed, ...names])] : [...names];
    const sorted = candidates.sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    for (const name of sorted) {
      if (!matchers.some((m) => m(name))) continue;
      const info = byName.get(name);
      if (selectSubscribed && !subscribed.has(name)) continue;
      if (selectSpecial && !info?.specialUse) continue;
      const attributes: string[] = [];
      if (!info) attributes.push('\\NonExistent');
      else attributes.push(parents.has(name) ? '\\HasChildren' : '\\HasNoChildren');
      if ((selectSubscribed || returns.has('SUBSCRIBED')) && subscribed.has(name)) attributes.push('\\Subscribed');
      if (info?.specialUse) attributes.push(info.specialUse);
      emit(ctx, 'LIST', { name, attributes });
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
