// sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-charset 1*(SP search-key)
// sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"; sort-criterion = ["REVERSE" SP] sort-key
// (RFC 5256 §5; RFC 5957 §3 DISPLAYFROM / DISPLAYTO; RFC 5267 §3 ESORT return options). Pure.
import type { Reader } from '../reader.js';
import type { Command, SortCriterion, SortKeyName } from '../types.js';
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
  if (r.lookingAt('RETURN ')) {
    r.pos += 7;
    returnOptions = r.list(() => {
      const option = r.keyword('return option');
      if (!RETURN_OPTIONS.has(option)) r.unknown('SORT return option', option);
      return option;
    }, true);
    r.sp();
  }
  const criteria = r.list(() => criterion(r), false);
  r.sp();
  const charset = r.astring('charset').toString('latin1');
  const decode = decoder(r, charset);
  r.sp();
  const keys = [searchKey(r, decode)];
  while (r.more()) keys.push(searchKey(r, decode));
  return { name: 'SORT', uid, criteria, charset, key: conjunction(keys), returnOptions };
}
