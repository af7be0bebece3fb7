// login = "LOGIN" SP userid SP password; userid = astring; password = astring   (RFC 9051 §6.2.3)
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export function parseLogin(r: Reader): Command {
  r.sp();
  const user = r.text(r.astring('user name'), 'user name');
  r.sp();
  const password = r.text(r.astring('password'), 'password');
  return { name: 'LOGIN', user, password };
}
