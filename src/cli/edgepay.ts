#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { systemContext } from '../commands/command-context';
import { issueApiKey } from '../commands/api-keys/api-key.service';
import { systemClock } from '../infrastructure/clock';
import { ConfigError, loadConfig, type Config } from '../infrastructure/config';
import { createEventStore } from '../infrastructure/event-store/create-event-store';
import { createLogger, type Logger } from '../infrastructure/logging/logger';
import { newUuid } from '../infrastructure/ids';
import { CpmsSimulator } from '../integrations/cpms/simulator/cpms-simulator';
import { startGateway, type Role } from '../runtime/gateway';
import { assertRolesCanShare } from '../runtime/split-roles';
import { AUDIT_USAGE, runAudit } from './audit/audit.command';
import { processContext, UsageError } from './audit/cli-context';
import { runRebuild } from './rebuild.command';
import { webhooksListen } from './webhooks-listen';

const USAGE = `usage: edgepay <command>

  start                      everything in one process (embedded default: SQLite, in-memory read models,
                             in-process queue, unless EVENTSTORE_URL / MONGODB_URL / REDIS_URL say otherwise)
  api | projector | worker   one production process each
  keys create --merchant <id> [--terminal <id>] [--scopes "payments:read payments:write"] [--name <text>] [--test]
                             issues an API key and prints it once
  webhooks listen --secret whsec_... [--port 4000]
                             a local receiver that prints each delivery whose signature holds
  cpms-simulator             the CPMS simulator alone, on PORT (for workers on several hosts: set their
                             CPMS_SIMULATOR_URL to it, and the same CPMS_SIMULATOR_TOKEN everywhere)
${AUDIT_USAGE}

Configuration is read from the environment; see .env.example.`;

const ROLES: Record<string, readonly Role[]> = {
  start: ['api', 'projector', 'worker'],
  api: ['api'],
  projector: ['projector'],
  worker: ['worker'],
};

const runRoles = async (roles: readonly Role[], config: Config, logger: Logger) => {
  assertRolesCanShare(roles, config);
  const gateway = await startGateway({ config, logger, roles });
  logger.info('edgepay started', { roles, url: gateway.url });
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
    gateway.close().then(
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

const createKey = async (args: string[], config: Config) => {
  const { values } = parseArgs({
    args,
    options: {
      merchant: { type: 'string' },
      terminal: { type: 'string' },
      scopes: { type: 'string', default: 'payments:read payments:write' },
      name: { type: 'string', default: 'cli' },
      test: { type: 'boolean', default: false },
    },
  });
  if (!values.merchant) throw new ConfigError('keys create needs --merchant <id>');
  const eventStore = createEventStore({
    url: config.EVENTSTORE_URL,
    dataDir: config.EDGEPAY_DATA_DIR,
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
  try {
    const issued = await issueApiKey(
      { eventStore, clock: systemClock },
      {
        name: values.name,
        merchantId: values.merchant,
        ...(values.terminal ? { terminalId: values.terminal } : {}),
        scopes: values.scopes.split(/[\s,]+/).filter(Boolean),
        environment: values.test || config.EDGEPAY_ENV === 'development' ? 'test' : 'live',
      },
      systemContext(`cli-${newUuid()}`),
    );
    console.log(JSON.stringify({ apiKeyId: issued.apiKeyId, key: issued.key }));
    console.error('Store this key now: it is shown once and only its hash is kept.');
  } finally {
    await eventStore.close();
  }
};

const runCpmsSimulator = async (config: Config, logger: Logger) => {
  if (!config.CPMS_SIMULATOR_TOKEN) throw new ConfigError('cpms-simulator needs CPMS_SIMULATOR_TOKEN');
  const simulator = new CpmsSimulator({ token: config.CPMS_SIMULATOR_TOKEN });
  const url = await simulator.listen(config.PORT, config.HOST);
  logger.info('cpms simulator started', { url });
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

const main = async () => {
  const [command, subcommand, ...rest] = process.argv.slice(2);
  if (command === 'webhooks' && subcommand === 'listen') {
    process.exitCode = (await webhooksListen(rest)) ?? process.exitCode;
    return;
  }
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const roles = command ? ROLES[command] : undefined;
  if (roles) return runRoles(roles, config, logger);
  if (command === 'keys' && subcommand === 'create') return createKey(rest, config);
  if (command === 'cpms-simulator') return runCpmsSimulator(config, logger);
  if (command === 'audit')
    process.exitCode = await runAudit(subcommand, rest, processContext(config, logger));
  if (command === 'rebuild')
    process.exitCode = await runRebuild(process.argv.slice(3), processContext(config, logger));
  if (command === 'audit' || command === 'rebuild') return;
  console.error(USAGE);
  process.exitCode = 2;
};

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
