import { ConfigError, type Config } from '../infrastructure/config';
import type { Role } from './gateway';

/**
 * A process that runs only some roles shares its read models and jobs with the others, so both must live
 * in shared servers: an in-memory read store would never see the projector's writes, and an in-process
 * queue would never reach the worker. (The SQLite event store can be shared by processes on one host.)
 */
export const assertRolesCanShare = (roles: readonly Role[], config: Config): void => {
  const alone = (['api', 'projector', 'worker'] as const).some((role) => !roles.includes(role));
  if (!alone) return;
  const missing = [
    ...(config.MONGODB_URL ? [] : ['MONGODB_URL']),
    ...(config.REDIS_URL ? [] : ['REDIS_URL']),
  ];
  if (missing.length > 0) {
    throw new ConfigError(
      `running only ${roles.join(', ')} needs shared servers; set ${missing.join(', ')} (or use \`edgepay start\`)`,
    );
  }
};
