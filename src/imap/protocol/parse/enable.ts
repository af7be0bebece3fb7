// enable = "ENABLE" 1*(SP capability)   (RFC 5161 §4; capability names are atoms, upper-cased here)
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseEnable(r: Reader): Command {
  const capabilities: string[] = [];
  r.sp();
  do capabilities.push(r.keyword('capability'));
  while (r.more());
  return { name: 'ENABLE', capabilities };
}
