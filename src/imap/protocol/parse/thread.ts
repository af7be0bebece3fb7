// thread = ["UID" SP] "THREAD" SP thread-alg SP search-charset 1*(SP search-key) (RFC 5256 §5). Pure.
import type { Reader } from '../reader.js';
import type { Command, ThreadAlgorithm } from '../types.js';
import { decoder } from './search.js';
import { conjunction, searchKey } from './search-key.js';

const ALGORITHMS: ReadonlySet<string> = new Set<ThreadAlgorithm>(['ORDEREDSUBJECT', 'REFERENCES']);

export function parseThread(r: Reader, uid: boolean): Command {
  r.sp();
  const algorithm = r.keyword('thread algorithm');
  if (!ALGORITHMS.has(algorithm)) r.unknown('thread algorithm', algorithm);
  r.sp();
  const charset = r.astring('charset').toString('latin1');
  const decode = decoder(r, charset);
  r.sp();
  const keys = [searchKey(r, decode)];
  while (r.more()) keys.push(searchKey(r, decode));
  return { name: 'THREAD', uid, algorithm: algorithm as ThreadAlgorithm, charset, key: conjunction(keys) };
}
