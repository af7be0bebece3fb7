// Loads and validates the configuration file (SPEC R10.2): YAML in config/, POSTERN_CONFIG selects another.
// Every error names the key and what is wrong with it; relative paths resolve against the Postern home.
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AUTHSERV_ID_PATTERN, configSchema, type ListenerConfig, type ParsedConfig } from './schema.js';

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(`${source}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The validated configuration, with defaults filled in and every path absolute. */
export type Config = Omit<ParsedConfig, 'hostname' | 'authservId' | 'admin'> & {
  hostname: string;
  authservId: string;
  /** The file this came from, or null for built-in defaults. */
  source: string | null;
  /** The directory relative paths were resolved against. */
  home: string;
  /** Issue 16 item 5: the admin socket, absolute. */
  admin: { socket: string };
};

export type { ListenerConfig };

/** Renders a zod issue path as the key a person would look for: `listeners[2].port`. */
export function formatKey(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = formatKey(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length === 0 ? '' : `${key}.`;
    return issue.keys.map((k) => `${prefix}${k}: unknown key`).join('; ');
  }
  if (issue.code === 'invalid_union') {
    return `${key}: must be a TCP listener (protocol, address, port) or a Unix-socket listener (protocol, path); ${
      issue.errors.flat().map((e) => `${formatKey(e.path)}: ${e.message}`).join(', ')
    }`;
  }
  return `${key}: ${issue.message}`;
}

/** Validates a parsed document; `source` names the file in errors. Pure apart from os.hostname(). */
export function validateConfig(input: unknown, source: string, home: string): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(source, result.error.issues.map(describeIssue));
  const parsed = result.data;
  const problems: string[] = [];

  const hostname = parsed.hostname ?? sanitizeHostname(osHostname());
  const authservId = parsed.authservId ?? hostname;
  if (!AUTHSERV_ID_PATTERN.test(authservId)) {
    problems.push(`authservId: the host name "${authservId}" is not a valid authserv-id; set authservId explicitly`);
  }

  const seen = new Map<string, number>();
  parsed.listeners.forEach((listener, i) => {
    const where = 'path' in listener ? `unix:${resolvePath(home, listener.path)}` : `${listener.address}:${listener.port}`;
    const earlier = seen.get(where);
    if (earlier !== undefined && !where.endsWith(':0')) {
      problems.push(`listeners[${i}]: ${where} is already used by listeners[${earlier}]`);
    }
    seen.set(where, i);
    if (listener.tls === 'none' && listener.requireTls) {
      problems.push(`listeners[${i}].requireTls: cannot require TLS on a listener with tls: none`);
    }
  });
  if (problems.length > 0) throw new ConfigError(source, problems);

  return {
    ...parsed,
    hostname,
    authservId,
    source,
    home,
    store: { ...parsed.store, path: resolvePath(home, parsed.store.path) },
    admin: { socket: resolvePath(home, parsed.admin.socket ?? join(dirname(parsed.store.path), 'admin.sock')) },
    tls: {
      ...parsed.tls,
      certDir: resolvePath(home, parsed.tls.certDir),
      cert: parsed.tls.cert === undefined ? undefined : resolvePath(home, parsed.tls.cert),
      key: parsed.tls.key === undefined ? undefined : resolvePath(home, parsed.tls.key),
      clientCa: parsed.tls.clientCa === undefined ? undefined : resolvePath(home, parsed.tls.clientCa),
    },
    listeners: parsed.listeners.map((l) => ('path' in l ? { ...l, path: resolvePath(home, l.path) } : l)),
  };
}

/** Parses YAML text, reporting syntax errors with line and column. */
export function parseConfigText(text: string, source: string, home: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(source, doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0] ?? e.message}`));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(source, [`YAML: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return validateConfig(value, source, home);
}

/** Reads the file named by POSTERN_CONFIG, else <home>/config/postern.yaml. */
export function loadConfig(opts: { home: string; file?: string; env?: NodeJS.ProcessEnv }): Config {
  const env = opts.env ?? process.env;
  const file = resolvePath(opts.home, opts.file ?? env.POSTERN_CONFIG ?? 'config/postern.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(file, [`cannot read the configuration file (${code})`]);
  }
  return parseConfigText(text, file, opts.home);
}

function resolvePath(home: string, path: string): string {
  return isAbsolute(path) ? path : resolve(home, path);
}

function sanitizeHostname(name: string): string {
  const clean = name.trim().toLowerCase();
  return /^[a-z0-9.-]+$/.test(clean) && clean.length > 0 ? clean : 'localhost';
}
