import { apiKeyDecider, apiKeyStreamName } from '../../domain/api-key/api-key.decider';
import { apiKeyEventCodec } from '../../domain/api-key/api-key.events';
import { invalid } from '../../domain/shared/domain-error';
import { generateApiKey, type ApiKeyEnvironment } from '../../infrastructure/api-keys/api-key-secrets';
import { isScope } from '../../domain/api-key/scopes';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { newId } from '../../infrastructure/ids';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

export interface IssueApiKeyInput {
  name: string;
  merchantId: string;
  terminalId?: string;
  scopes: string[];
  environment: ApiKeyEnvironment;
  /** Chosen by the caller when it must record the id before the key exists (a terminal's credential). */
  apiKeyId?: string;
}

export const apiKeyAggregate = {
  decider: apiKeyDecider,
  codec: apiKeyEventCodec,
  streamName: apiKeyStreamName,
};

/** Issues a key and returns it once; only its hash is recorded. */
export const issueApiKey = async (
  deps: { eventStore: EventStore; clock: Clock },
  input: IssueApiKeyInput,
  context: CommandContext,
): Promise<{ apiKeyId: string; key: string; position: bigint }> => {
  const unknown = input.scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0 || input.scopes.length === 0) {
    throw invalid(
      'invalid_scopes',
      `unknown or missing scopes: ${unknown.join(', ') || '(none given)'}`,
      'scopes',
    );
  }
  const apiKeyId = input.apiKeyId ?? newId('key');
  const { key, prefix, hash } = generateApiKey(input.environment);
  // Issued once per key id, so this handler keeps no state between calls.
  const result = await commandHandlerFor(deps.eventStore, apiKeyAggregate, { cachedStreams: 1 }).handle(
    apiKeyId,
    {
      type: 'IssueApiKey',
      now: deps.clock.now().toISOString(),
      apiKeyId,
      name: input.name,
      merchantId: input.merchantId,
      terminalId: input.terminalId ?? null,
      scopes: input.scopes,
      prefix,
      hash,
    },
    context,
  );
  const last = result.appended.at(-1);
  if (!last) throw new Error('issuing an API key appended nothing');
  return { apiKeyId, key, position: last.position };
};

/** Revokes a key: from the event on, the gateway refuses it. */
export const revokeApiKey = async (
  deps: { eventStore: EventStore; clock: Clock },
  input: { apiKeyId: string; reason: string },
  context: CommandContext,
): Promise<{ revokedAt: string; position: bigint }> => {
  const now = deps.clock.now().toISOString();
  const result = await commandHandlerFor(deps.eventStore, apiKeyAggregate, { cachedStreams: 1 }).handle(
    input.apiKeyId,
    { type: 'RevokeApiKey', now, reason: input.reason },
    context,
  );
  const last = result.appended.at(-1);
  if (!last) throw new Error('revoking an API key appended nothing');
  return { revokedAt: now, position: last.position };
};
