import { apiKeyEventCodec } from '../../domain/api-key/api-key.events';
import type { EventStore, GlobalPosition } from '../../infrastructure/event-store/event-store';
import { apiKeyProjection, type ApiKeyDocument } from '../../projections/api-keys/api-key.projection';
import type { CliCommand } from '../cli-command';
import { withEventStore } from './event-store';

const PAGE = 1000;
const API_KEY_EVENTS: ReadonlySet<string> = new Set(apiKeyEventCodec.eventTypes);

/**
 * Every key as the event store says, folded with the read model's own projection. It reads the whole
 * store (an operator's tool, not a hot path) so it needs no running gateway and no shared read store.
 */
const allKeys = async (eventStore: EventStore): Promise<ApiKeyDocument[]> => {
  const keys = new Map<string, ApiKeyDocument>();
  let from: GlobalPosition | undefined;
  for (;;) {
    const page = await eventStore.readAll({
      ...(from !== undefined ? { fromPosition: from } : {}),
      limit: PAGE,
    });
    for (const event of page) {
      if (!API_KEY_EVENTS.has(event.type)) continue;
      const id = apiKeyProjection.documentId(event);
      if (id === null) continue;
      const next = apiKeyProjection.evolve(keys.get(id) ?? null, event);
      if (next) keys.set(id, next);
      else keys.delete(id);
    }
    if (page.length < PAGE) return [...keys.values()];
    from = page.at(-1)?.position;
  }
};

export const keysListCommand: CliCommand = {
  path: ['keys', 'list'],
  summary: 'lists API keys (never the keys themselves), one JSON object per line',
  usage: '[--merchant <id>] [--active]',
  details: [
    'Each line: {"apiKeyId", "name", "merchantId", "terminalId", "scopes", "status", "prefix",',
    '"issuedAt", "revokedAt"}, oldest first. The prefix is the public part of the key (epk_..._<prefix>_...).',
    '',
    "  --merchant <id>    only this merchant's keys",
    '  --active           only keys not revoked',
  ].join('\n'),
  options: { merchant: { type: 'string' }, active: { type: 'boolean', default: false } },
  run: async ({ values, config, out }) => {
    const keys = await withEventStore(config, allKeys);
    for (const key of keys) {
      if (values.merchant !== undefined && key.merchantId !== values.merchant) continue;
      if (values.active && key.status !== 'active') continue;
      const { _id, name, merchantId, terminalId, scopes, status, prefix, issuedAt, revokedAt } = key;
      out(
        JSON.stringify({
          apiKeyId: _id,
          name,
          merchantId,
          terminalId,
          scopes,
          status,
          prefix,
          issuedAt,
          revokedAt,
        }),
      );
    }
  },
};
