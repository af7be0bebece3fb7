// `postern config`: validates the configuration file and prints the effective values (defaults filled in,
// paths resolved), so an administrator sees exactly what `postern serve` will use.
import { stringify } from 'yaml';
import { cliConfig } from './context.js';
import { UsageError, type CommandArgs } from './io.js';

export async function runConfig({ positionals, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const config = cliConfig(io);
  const { source, home, ...effective } = config;
  io.stdout.write(`# ${source ?? 'built-in defaults'} is valid; relative paths resolved against ${home}\n`);
  io.stdout.write(stringify(effective));
  return 0;
}
