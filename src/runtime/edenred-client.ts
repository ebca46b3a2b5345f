import type { Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { Logger } from '../infrastructure/logging/logger';
import { edenredConfigSchema, loadEdenredConfig } from '../integrations/edenred/edenred-config';
import { httpEdenredClient } from '../integrations/edenred/edenred-http-client';
import type { EdenredClient } from '../integrations/edenred/edenred-port';
import { EdenredSimulator } from '../integrations/edenred/simulator/edenred-simulator';

export interface OpenedEdenredClient {
  client?: EdenredClient;
  /** The in-process simulator, when this process runs it (embedded default). */
  simulator?: EdenredSimulator;
}

/**
 * The Edenred client of this process. With EDENRED_AUTH_URL/EDENRED_API_URL (and the rest) set: the HTTP
 * client against them. With none set, outside production, in a process that both authorizes and captures:
 * the simulator on a loopback port, reached over real HTTP by the same client, so Edenred works out of
 * the box. Otherwise Edenred is off. Decision 0030.
 */
export const openEdenredClient = async (deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  roles: readonly string[];
}): Promise<OpenedEdenredClient> => {
  const { config, logger, clock } = deps;
  const configured = loadEdenredConfig(config);
  if (configured) return { client: httpEdenredClient(configured, { logger, clock }) };
  if (config.EDGEPAY_ENV === 'production' || !config.EDENRED_SIMULATOR) return {};
  if (!deps.roles.includes('api') || !deps.roles.includes('worker')) {
    // Split processes would each run their own simulator: tokens of one are unknown to the other.
    logger.warn('Edenred is off: split roles need EDENRED_AUTH_URL (e.g. `edgepay simulate edenred`)');
    return {};
  }
  const simulator = new EdenredSimulator({ clock });
  const url = await simulator.listen(0, '127.0.0.1');
  logger.info('Edenred simulator listening', { url });
  const client = httpEdenredClient(edenredConfigSchema.parse(simulator.clientEnvironment()), {
    logger,
    clock,
  });
  return { client, simulator };
};
