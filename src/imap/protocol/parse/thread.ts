// thread = ["UID" SP] "THREAD" SP thread-alg SP search-charset 1*(SP search-key) (RFC 5256 §5). Pure.
import type { Reader } from '../reader.js';
import type { Command, ThreadAlgorithm } from '../types.js';
import { charsetProgram } from './search.js';

const ALGORITHMS: ReadonlySet<string> = new Set<ThreadAlgorithm>(['ORDEREDSUBJECT', 'REFERENCES']);

export function parseThread(r: Reader, uid: boolean): Command {
  r.sp();
  const algorithm = r.keyword('thread algorithm');
  if (!ALGORITHMS.has(algorithm)) r.unknown('thread algorithm', algorithm);
  r.sp();
  const { charset, key } = charsetProgram(r);
  return { name: 'THREAD', uid, algorithm: algorithm as ThreadAlgorithm, charset, key };
}
