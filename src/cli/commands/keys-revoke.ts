import { revokeApiKey } from '../../commands/api-keys/api-key.service';
import { systemContext } from '../../commands/command-context';
import { systemClock } from '../../infrastructure/clock';
import type { Config } from '../../infrastructure/config';
import type { GlobalPosition } from '../../infrastructure/event-store/event-store';
import { newUuid } from '../../infrastructure/ids';
import { createReadStore } from '../../infrastructure/read-store/create-read-store';
import { checkpointFreshness } from '../../projections/checkpoint-freshness';
import { ProjectionCheckpoints } from '../../projections/projection-checkpoints';
import { PROJECTOR_NAME } from '../../runtime/gateway';
import type { CliCommand } from '../cli-command';
import { withEventStore } from './event-store';

const PROJECTOR_WAIT_MS = 10_000;

/**
 * With a shared read store (MONGODB_URL), API processes trust the api_keys read model, so the command
 * answers once the projector has applied the revocation. The embedded gateway checks the key's stream
 * in the SQLite file on every request instead, so there is nothing to wait for.
 */
const waitForProjector = async (config: Config, position: GlobalPosition): Promise<boolean> => {
  if (!config.MONGODB_URL) return true;
  const readStore = await createReadStore({
    mongoUrl: config.MONGODB_URL,
    database: config.MONGODB_DATABASE,
  });
  try {
    const freshness = checkpointFreshness(new ProjectionCheckpoints(readStore, PROJECTOR_NAME));
    return await freshness.waitFor(position, PROJECTOR_WAIT_MS);
  } finally {
    await readStore.close();
  }
};

export const keysRevokeCommand: CliCommand = {
  path: ['keys', 'revoke'],
  summary: 'revokes an API key: the gateway refuses it from then on',
  usage: '<apiKeyId> [--reason <text>]',
  details: [
    'Records an ApiKeyRevoked event and prints {"apiKeyId", "revokedAt"}. Find the id with',
    '`edgepay keys list`. A revoked key cannot be restored; issue a new one.',
    '',
    '  --reason <text>    why, kept in the event (default "revoked by an operator")',
  ].join('\n'),
  positionals: ['<apiKeyId>'],
  options: { reason: { type: 'string', default: 'revoked by an operator' } },
  run: async ({ values, positionals, config, out, err }) => {
    const apiKeyId = positionals[0] as string;
    const revoked = await withEventStore(config, (eventStore) =>
      revokeApiKey(
        { eventStore, clock: systemClock },
        { apiKeyId, reason: values.reason as string },
        systemContext(`cli-${newUuid()}`),
      ),
    );
    if (!(await waitForProjector(config, revoked.position))) {
      err('The projector has not applied the revocation yet; API processes refuse the key once it has.');
    }
    out(JSON.stringify({ apiKeyId, revokedAt: revoked.revokedAt }));
  },
};
