// Which mailbox names have inferiors, for LIST's \HasChildren / \HasNoChildren (RFC 3348 §3, RFC 5258 §4):
// one pass over the names, adding each name's ancestors to a set (linear in the total length of the names),
// instead of comparing every name with every other. Pure.
import { DELIMITER } from './mailbox-names.js';

/** The names among `names` that have at least one inferior (`name/…`) in `names`. */
export function namesWithChildren(names: Iterable<string>): Set<string> {
  const all = new Set(names);
  const ancestors = new Set<string>();
  for (const name of all) {
    // Walk up from the deepest ancestor; stop at one already recorded, whose own ancestors are recorded too.
    for (let end = name.lastIndexOf(DELIMITER); end > 0; end = name.lastIndexOf(DELIMITER, end - 1)) {
      const parent = name.slice(0, end);
      if (ancestors.has(parent)) break;
      ancestors.add(parent);
    }
  }
  const out = new Set<string>();
  for (const name of ancestors) if (all.has(name)) out.add(name);
  return out;
}
