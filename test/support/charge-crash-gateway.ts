import { loadConfig } from '../../src/infrastructure/config';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { startGateway } from '../../src/runtime/gateway';
import { spawnListening, type GatewayProcess } from './gateway-process';

export type CrashPoint = 'before-payment' | 'after-payment';

/**
 * `edgepay start`, except that the process SIGKILLs itself at a point of a charge's settlement: just
 * before the payment intent is captured or voided, or just after it was but before the charge records it.
 */
const serve = async (crashAt: CrashPoint) => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const die = () => {
    logger.info('crashing on purpose', { crashAt });
    process.kill(process.pid, 'SIGKILL');
  };
  const gateway = await startGateway({
    config,
    logger,
    roles: ['api', 'projector', 'worker'],
    chargeHooks: crashAt === 'before-payment' ? { beforePaymentSettled: die } : { afterPaymentSettled: die },
  });
  logger.info('edgepay started', { url: gateway.url });
};

/** Spawns this file as a gateway that crashes at `crashAt`; resolves once it listens. */
export const spawnCrashingGateway = (
  env: Record<string, string>,
  crashAt: CrashPoint,
): Promise<GatewayProcess> => spawnListening([__filename, crashAt], env);

if (require.main === module) {
  serve(process.argv[2] as CrashPoint).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
