import type { Decider } from '../shared/decider';
import { conflict, notFound } from '../shared/domain-error';
import type { ApiKeyEvent } from './api-key.events';

export type ApiKeyCommand =
  | {
      type: 'IssueApiKey';
      now: string;
      apiKeyId: string;
      name: string;
      merchantId: string;
      terminalId: string | null;
      scopes: string[];
      prefix: string;
      hash: string;
    }
  | { type: 'RevokeApiKey'; now: string; reason: string };

export type ApiKeyState =
  { status: 'empty' } | { status: 'active'; apiKeyId: string } | { status: 'revoked' };

export const apiKeyStreamName = (apiKeyId: string): string => `api_key-${apiKeyId}`;

export const decideApiKey = (command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] => {
  switch (command.type) {
    case 'IssueApiKey': {
      if (state.status !== 'empty') throw conflict('api_key_exists', 'the API key already exists');
      const { apiKeyId, name, merchantId, terminalId, scopes, prefix, hash, now } = command;
      return [
        {
          type: 'ApiKeyIssued',
          data: { apiKeyId, name, merchantId, terminalId, scopes, prefix, hash, issuedAt: now },
        },
      ];
    }
    case 'RevokeApiKey':
      if (state.status === 'empty') throw notFound('api_key_not_found', 'no such API key');
      if (state.status !== 'active') throw conflict('api_key_not_active', `the API key is ${state.status}`);
      return [
        {
          type: 'ApiKeyRevoked',
          data: { apiKeyId: state.apiKeyId, reason: command.reason, revokedAt: command.now },
        },
      ];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown API key command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const evolveApiKey = (state: ApiKeyState, event: ApiKeyEvent): ApiKeyState => {
  switch (event.type) {
    case 'ApiKeyIssued':
      return { status: 'active', apiKeyId: event.data.apiKeyId };
    case 'ApiKeyRevoked':
      return { status: 'revoked' };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown API key event ${JSON.stringify(unreachable)}`);
    }
  }
};

export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideApiKey,
  evolve: evolveApiKey,
};
