// compress = "COMPRESS" SP algorithm; algorithm = "DEFLATE" (RFC 4978 §3, §5: an atom, case-insensitive).
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseCompress(r: Reader): Command {
  r.sp();
  return { name: 'COMPRESS', mechanism: r.keyword('compression mechanism') };
}
