// SEARCHRES (RFC 5182 §2): `$` in a command's sequence sets bound to the session's saved SEARCH result before the
// command runs. The result is kept as UIDs in the selected view (so SELECT, EXAMINE, CLOSE and UNSELECT reset it,
// §2.1, and an expunged message simply drops out, §2.3); `$` names those messages by UID in UID commands and
// SEARCH UID, and by their current sequence numbers otherwise (§2.1). An empty result binds to an empty set.
import type { MailboxView } from './mailbox-view.js';
import { partialSlice } from './partial.js';
import type { Command, PartialRange, SearchKey, SequenceSet } from './protocol/types.js';
import { toRanges } from './sequence.js';

/** What binding reads of the selected view. */
export type SavedView = Pick<MailboxView, 'searchResult' | 'seqOf'>;

function bindSet(set: SequenceSet, view: SavedView, byUid: boolean): SequenceSet {
  if (set.kind !== 'saved') return set;
  const numbers = byUid
    ? view.searchResult.filter((uid) => view.seqOf(uid) > 0)
    : view.searchResult.map((uid) => view.seqOf(uid)).filter((seq) => seq > 0);
  return { kind: 'set', ranges: toRanges(numbers) };
}

function bindKey(key: SearchKey, view: SavedView): SearchKey {
  switch (key.kind) {
    case 'seq':
    case 'uid':
      return key.set.kind === 'saved' ? { ...key, set: bindSet(key.set, view, key.kind === 'uid') } : key;
    case 'not':
      return { kind: 'not', key: bindKey(key.key, view) };
    case 'or':
      return { kind: 'or', a: bindKey(key.a, view), b: bindKey(key.b, view) };
    case 'and':
      return { kind: 'and', keys: key.keys.map((k) => bindKey(k, view)) };
    default:
      return key;
  }
}

/** The command with every `$` replaced by the saved result as of now (RFC 5182 §2.1). */
export function bindSearchResult(command: Command, view: SavedView): Command {
  switch (command.name) {
    case 'FETCH':
    case 'STORE':
    case 'COPY':
    case 'MOVE':
      return { ...command, set: bindSet(command.set, view, command.uid) };
    case 'EXPUNGE':
      return command.uids === null ? command : { ...command, uids: bindSet(command.uids, view, true) };
    case 'SEARCH':
      return { ...command, key: bindKey(command.key, view) };
    default:
      return command;
  }
}

/**
 * What SEARCH RETURN (SAVE) keeps (RFC 5182 §2.4): with MIN, MAX and/or PARTIAL (RFC 9394) and neither ALL nor
 * COUNT, only the messages those return; else every match. `matched` are UIDs, ascending.
 */
export function savedPart(options: readonly string[], matched: readonly number[], partial: PartialRange | null = null): number[] {
  const min = options.includes('MIN');
  const max = options.includes('MAX');
  if ((!min && !max && partial === null) || options.includes('ALL') || options.includes('COUNT') || matched.length === 0) return [...matched];
  const out = new Set<number>(partial === null ? [] : partialSlice(matched, partial));
  if (min) out.add(matched[0]!);
  if (max) out.add(matched[matched.length - 1]!);
  return [...out].sort((a, b) => a - b);
}
