// `postern config`: validates the configuration file and prints the effective values (defaults filled in,
// paths resolved), so an administrator sees exactly what `postern serve` will use. The TLS files it names are
// read and checked as `postern serve` reads them: a configuration whose certificate is missing is not valid.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Config } from '../config/load.js';
import { loadTlsServerOptions } from '../tls/context.js';
import { cliConfig } from './context.js';
import { UsageError, type CommandArgs } from './io.js';

/** What is wrong with the TLS files the configuration names (none named: a certificate is generated). */
function tlsProblems(tls: Config['tls']): string[] {
  if (tls.cert === undefined || tls.key === undefined) {
    return tls.clientCa === undefined ? [] : checked(() => readClientCa(tls.clientCa!));
  }
  return checked(() => loadTlsServerOptions({ certFile: tls.cert!, keyFile: tls.key!, clientCaFile: tls.clientCa }));
}

/** A client CA without a configured certificate still has to be readable (it is used with the generated one). */
function readClientCa(file: string): void {
  try {
    readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read TLS client CA ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The store URL without its password (issue 18 item 1: never printed); absent stays absent. */
export function maskPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

function checked(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
}

export async function runConfig({ positionals, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const config = cliConfig(io);
  const { source, home, ...effective } = config;
  const problems = tlsProblems(config.tls);
  if (problems.length > 0) {
    io.stderr.write(`${source ?? 'built-in defaults'}: invalid configuration\n${problems.map((p) => `  - tls: ${p}\n`).join('')}`);
    return 78; // as for any other invalid configuration (EX_CONFIG)
  }
  io.stdout.write(`# ${source ?? 'built-in defaults'} is valid; relative paths resolved against ${home}\n`);
  io.stdout.write(stringify({ ...effective, store: { ...effective.store, url: maskPassword(effective.store.url) } }));
  return 0;
}
