import { DomainError } from '../../domain/shared/domain-error';
import type { ApiKeyEnvironment } from '../../infrastructure/api-keys/api-key-secrets';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore, GlobalPosition } from '../../infrastructure/event-store/event-store';
import { apiKeyAggregate, issueApiKey } from '../api-keys/api-key.service';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

/** What a terminal's own key may do: its payments, and its own health and attestation. */
export const TERMINAL_KEY_SCOPES = ['payments:read', 'payments:write', 'terminals:read', 'terminals:write'];

export interface TerminalCredentialsDeps {
  eventStore: EventStore;
  clock: Clock;
  apiKeyEnvironment: ApiKeyEnvironment;
}

/** Terminal API keys, issued and revoked through the API key aggregate. */
export const terminalCredentials = (deps: TerminalCredentialsDeps) => {
  const apiKeys = commandHandlerFor(deps.eventStore, apiKeyAggregate);
  return {
    /** True when the key was issued already (a retried request whose first answer was lost). */
    exists: async (credentialId: string): Promise<boolean> => (await apiKeys.load(credentialId)).version > 0,

    issue: (
      terminal: { terminalId: string; merchantId: string },
      credentialId: string,
      context: CommandContext,
    ): Promise<{ key: string; position: GlobalPosition }> =>
      issueApiKey(
        deps,
        {
          name: `terminal ${terminal.terminalId}`,
          merchantId: terminal.merchantId,
          terminalId: terminal.terminalId,
          scopes: TERMINAL_KEY_SCOPES,
          environment: deps.apiKeyEnvironment,
          apiKeyId: credentialId,
        },
        context,
      ),

    /** Revokes the key; one revoked already (or never issued) is left as it is. Returns the last position. */
    revoke: async (
      credentialId: string,
      reason: string,
      context: CommandContext,
    ): Promise<GlobalPosition | undefined> => {
      try {
        const result = await apiKeys.handle(
          credentialId,
          { type: 'RevokeApiKey', now: deps.clock.now().toISOString(), reason },
          context,
        );
        return result.position;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'api_key_not_active') return undefined;
        throw error;
      }
    },
  };
};

export type TerminalCredentials = ReturnType<typeof terminalCredentials>;
