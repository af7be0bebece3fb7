// Test fixtures for the SASL tests: users with real credentials (hashed once per process), a lookup over them,
// mechanism deps, and a logger that captures its lines.
import { hashPassword } from '../../../src/sasl/passwords.js';
import type { AuthLogger } from '../../../src/sasl/authenticator.js';
import type { MechanismDeps } from '../../../src/sasl/mechanism.js';
import type { UserWithCredentials } from '../../../src/store/types.js';

const cache = new Map<string, Promise<UserWithCredentials>>();
let nextId = 1;

/** A user named `name` whose password is `password`; memoised so scrypt runs once per pair. */
export function makeUser(name: string, password: string): Promise<UserWithCredentials> {
  const key = `${name}\u0000${password}`;
  let user = cache.get(key);
  if (user === undefined) {
    const id = nextId++;
    user = hashPassword(password).then((credentials) => ({
      id,
      name,
      quotaBytes: null,
      createdAt: new Date(0),
      disabled: false,
      credentials,
    }));
    cache.set(key, user);
  }
  return user;
}

/** A case-insensitive lookup over `users`, like the store's findUser. */
export function lookupOver(users: UserWithCredentials[]): (login: string) => Promise<UserWithCredentials | null> {
  return async (login) => users.find((u) => u.name.toLowerCase() === login.toLowerCase()) ?? null;
}

export function depsOver(users: UserWithCredentials[], extra: Partial<MechanismDeps> = {}): MechanismDeps {
  return { lookup: lookupOver(users), admit: () => null, authorize: null, ...extra };
}

export interface LogLine {
  level: 'info' | 'warn';
  obj: Record<string, unknown>;
  msg: string;
}

export function captureLogger(): AuthLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}
