import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig } from '../../src/infrastructure/config';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { startGateway } from '../../src/runtime/gateway';
import type { GatewayProcess } from './gateway-process';

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
): Promise<GatewayProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', __filename, crashAt], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crashing gateway did not start: ${stderr.join('')}`));
    }, 30_000);
    void exited.then(() => clearTimeout(timer));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { message?: string; url?: string };
        if (entry.message === 'edgepay started' && entry.url) {
          clearTimeout(timer);
          resolve({ child, url: entry.url, exited });
        }
      } catch {
        // not a log line
      }
    });
  });

if (require.main === module) {
  serve(process.argv[2] as CrashPoint).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
