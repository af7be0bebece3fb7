// sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-charset 1*(SP search-key)
// sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"; sort-criterion = ["REVERSE" SP] sort-key
// (RFC 5256 §5; RFC 5957 §3 DISPLAYFROM / DISPLAYTO; RFC 5267 §3 ESORT return options, §4.4 and RFC 9394 PARTIAL). Pure.
import type { Reader } from '../reader.js';
import type { Command, SortCriterion, SortKeyName } from '../types.js';
import { charsetProgram, returnClause } from './search.js';

const SORT_KEYS: ReadonlySet<string> = new Set<SortKeyName>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);
const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'ALL', 'COUNT']);

function criterion(r: Reader): SortCriterion {
  let reverse = false;
  if (r.lookingAt('REVERSE ')) {
    r.pos += 8;
    reverse = true;
  }
  const key = r.keyword('sort key');
  if (!SORT_KEYS.has(key)) r.unknown('sort key', key);
  return { key: key as SortKeyName, reverse };
}

export function parseSort(r: Reader, uid: boolean): Command {
  r.sp();
  const { options: returnOptions, partial } = returnClause(r, RETURN_OPTIONS, 'SORT return option');
  const criteria = r.list(() => criterion(r), false);
  r.sp();
  const { charset, key } = charsetProgram(r);
  const command: Command = { name: 'SORT', uid, criteria, charset, key, returnOptions };
  return partial === null ? command : { ...command, partial };
}
