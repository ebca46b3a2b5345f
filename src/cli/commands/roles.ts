import type { Config } from '../../infrastructure/config';
import type { Logger } from '../../infrastructure/logging/logger';
import { startGateway, type Role } from '../../runtime/gateway';
import { assertRolesCanShare } from '../../runtime/split-roles';
import type { CliCommand } from '../cli-command';

/** Stops on SIGTERM or SIGINT: stop accepting, drain, close the clients, exit. */
export const exitOnSignal = (config: Config, logger: Logger, close: () => Promise<void>): void => {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('edgepay stopping', { signal });
    const forced = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    forced.unref();
    close().then(
      () => {
        logger.info('edgepay stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

const roleCommand = (name: string, roles: readonly Role[], summary: string, details: string): CliCommand => ({
  path: [name],
  summary,
  usage: '',
  details,
  keepsRunning: true,
  run: async ({ config, logger }) => {
    assertRolesCanShare(roles, config);
    const gateway = await startGateway({ config, logger, roles });
    logger.info('edgepay started', { roles, url: gateway.url, pid: process.pid });
    exitOnSignal(config, logger, () => gateway.close());
  },
});

const SHARED_SERVERS =
  'Needs MONGODB_URL and REDIS_URL (and EVENTSTORE_URL for EventStoreDB), shared with the other roles.';

export const roleCommands: CliCommand[] = [
  roleCommand(
    'start',
    ['api', 'projector', 'worker'],
    'the API, projector and worker in one process',
    [
      'Listens on HOST:PORT (default 0.0.0.0:3000). With no EVENTSTORE_URL, MONGODB_URL or REDIS_URL it runs',
      'on the embedded default: SQLite in EDGEPAY_DATA_DIR, in-memory read models, in-process queue, and the',
      'CPMS simulator. SIGTERM or SIGINT stops accepting, drains requests and jobs, and exits.',
    ].join('\n'),
  ),
  roleCommand('api', ['api'], 'the HTTP API alone (stateless; scale out)', SHARED_SERVERS),
  roleCommand(
    'projector',
    ['projector'],
    'the projector alone (one per read store: it owns the checkpoint)',
    SHARED_SERVERS,
  ),
  roleCommand('worker', ['worker'], 'the background workers alone (scale out)', SHARED_SERVERS),
];
