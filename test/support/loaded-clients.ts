/**
 * Run as a child process by test/runtime/cold-start.spec.ts: starts the gateway on the configuration in
 * its environment and prints which production clients Node loaded, as one JSON line.
 */
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startGateway } from '../../src/runtime/gateway';

const CLIENTS = /node_modules[\\/](mongodb|bullmq|ioredis|@eventstore[\\/]db-client)[\\/]/;

void (async () => {
  const gateway = await startGateway({
    config: loadConfig(),
    logger: silentLogger(),
    roles: ['api', 'projector', 'worker'],
  });
  const loaded = new Set(
    Object.keys(require.cache).flatMap((file) => {
      const match = CLIENTS.exec(file);
      return match?.[1] ? [match[1].replace('\\', '/')] : [];
    }),
  );
  await gateway.close();
  process.stdout.write(`${JSON.stringify([...loaded].sort())}\n`);
})();
