// list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
// (RFC 9051 §6.3.9, RFC 5258 §6 LIST-EXTENDED, RFC 6154 §6 SPECIAL-USE, RFC 5819 §4 LIST-STATUS)
import { listMailbox, reference as readReference } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command, StatusItem } from '../types.js';
import { statusItems } from './status.js';

const SELECTION = new Set(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE']);
const RETURN = new Set(['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE']);

/** list-select-opts = "(" [list-select-option *(SP list-select-option)] ")" */
function selectionOptions(r: Reader): string[] {
  const options = r.list(() => {
    const option = r.keyword('selection option');
    // RFC 5258 §3: an unrecognised selection option is BAD.
    if (!SELECTION.has(option)) r.unknown('LIST selection option', option);
    return option;
  }, true);
  // RFC 5258 §3: RECURSIVEMATCH alone (or with only REMOTE) is BAD.
  if (options.includes('RECURSIVEMATCH') && !options.some((o) => o !== 'RECURSIVEMATCH' && o !== 'REMOTE')) {
    r.fail('RECURSIVEMATCH needs another selection option');
  }
  // RECURSIVEMATCH is honoured with SUBSCRIBED (CHILDINFO "SUBSCRIBED"); with SPECIAL-USE alone it is refused
  // rather than ignored (issue 13 item 16: do what is advertised).
  if (options.includes('RECURSIVEMATCH') && !options.includes('SUBSCRIBED')) r.fail('RECURSIVEMATCH is supported with SUBSCRIBED only');
  return options;
}

/** list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")" */
function returnOptions(r: Reader): { options: string[]; status: StatusItem[] | null } {
  if (r.keyword('RETURN') !== 'RETURN') r.fail('Expected RETURN');
  r.sp();
  let status: StatusItem[] | null = null;
  const options = r.list(() => {
    const option = r.keyword('return option');
    if (option === 'STATUS') {
      if (status !== null) r.fail('STATUS given twice');
      r.sp();
      status = statusItems(r);
    } else if (!RETURN.has(option)) {
      r.unknown('LIST return option', option);
    }
    return option;
  }, true);
  return { options: options.filter((o) => o !== 'STATUS'), status };
}

export function parseList(r: Reader): Command {
  r.sp();
  let selection: string[] = [];
  if (r.peek() === 0x28) {
    selection = selectionOptions(r);
    r.sp();
  }
  const reference = readReference(r);
  r.sp();
  // mbox-or-pat = list-mailbox / patterns; patterns = "(" list-mailbox *(SP list-mailbox) ")"
  const given = r.peek() === 0x28 ? r.list(() => listMailbox(r), false) : [listMailbox(r)];
  // Issue 13 item 9: a reference or pattern that is not a valid name matches nothing (not BAD).
  const patterns = reference === null ? [] : given.filter((p): p is string => p !== null);
  let ret: { options: string[]; status: StatusItem[] | null } = { options: [], status: null };
  if (r.more()) ret = returnOptions(r);
  return { name: 'LIST', reference: reference ?? '', patterns, selection, returnOptions: ret.options, returnStatus: ret.status };
}
