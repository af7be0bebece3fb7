// sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-charset 1*(SP search-key)
// sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"; sort-criterion = ["REVERSE" SP] sort-key
// (RFC 5256 §5; RFC 5957 §3 DISPLAYFROM / DISPLAYTO; RFC 5267 §3 ESORT return options, §4.4 and RFC 9394 PARTIAL). Pure.
import type { Reader } from '../reader.js';
import type { Command, PartialRange, SortCriterion, SortKeyName } from '../types.js';
import { returnOptions as returnOptionList } from './partial-range.js';
import { decoder } from './search.js';
import { conjunction, searchKey } from './search-key.js';

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
  let returnOptions: string[] | null = null;
  let partial: PartialRange | null = null;
  if (r.lookingAt('RETURN ')) {
    r.pos += 7;
    ({ options: returnOptions, partial } = returnOptionList(r, RETURN_OPTIONS, 'SORT return option'));
    r.sp();
  }
  const criteria = r.list(() => criterion(r), false);
  r.sp();
  const charset = r.astring('charset').toString('latin1');
  const decode = decoder(r, charset);
  r.sp();
  const keys = [searchKey(r, decode)];
  while (r.more()) keys.push(searchKey(r, decode));
  const command: Command = { name: 'SORT', uid, criteria, charset, key: conjunction(keys), returnOptions };
  return partial === null ? command : { ...command, partial };
}
