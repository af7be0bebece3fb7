// `postern serve` (SPEC R10.1, R10.5): runs the servers in the foreground until SIGTERM or SIGINT;
// SIGHUP re-reads the configuration and the TLS certificate without a restart (issue 16 item 6).
import { createServeLogger } from '../log/logger.js';
import { startServer } from '../main.js';
import { cliConfig } from './context.js';
import { UsageError, type CommandArgs } from './io.js';

export async function runServe({ positionals, io }: CommandArgs): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const config = cliConfig(io);
  const logger = await createServeLogger({ level: config.log.level, format: config.log.format, isTTY: process.stdout.isTTY === true });
  logger.info({ config: config.source, hostname: config.hostname, authservId: config.authservId }, 'starting');
  const server = await startServer(config, logger);
  logger.info({ pid: process.pid }, 'ready');

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      process.off('SIGHUP', hup);
      server.close().then(
        () => {
          logger.flush();
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'error during shutdown');
          logger.flush();
          resolve(1);
        },
      );
    };
    const hup = (): void => {
      logger.info({}, 'SIGHUP: reloading the configuration');
      server.reload();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', hup);
  });
}
