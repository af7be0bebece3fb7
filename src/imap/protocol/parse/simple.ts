// capability = "CAPABILITY"; noop = "NOOP"; logout = "LOGOUT"; starttls = "STARTTLS"; namespace = "NAMESPACE";
// idle = "IDLE"; check = "CHECK"; close = "CLOSE"; unselect = "UNSELECT" — the commands without arguments
// (RFC 9051 §6.1.1-6.1.3, §6.2.1, §6.3.10, §6.4.1-6.4.2; RFC 2177 IDLE; RFC 2342 NAMESPACE; RFC 3691 UNSELECT).
// The caller (parse.ts) checks that nothing follows the command name.
import type { Command } from '../types.js';

type Simple = Extract<Command, { name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'NAMESPACE' | 'IDLE' | 'CHECK' | 'CLOSE' | 'UNSELECT' }>;

export const SIMPLE_COMMANDS: readonly Simple['name'][] = [
  'CAPABILITY',
  'NOOP',
  'LOGOUT',
  'STARTTLS',
  'NAMESPACE',
  'IDLE',
  'CHECK',
  'CLOSE',
  'UNSELECT',
];

export function parseSimple(name: Simple['name']): Command {
  return { name };
}
