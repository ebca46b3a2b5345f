import { z } from 'zod';
import {
  stationAdapterConfigDecider,
  type ConfigureStationAdapter,
} from '../../domain/station-adapter-config/station-adapter-config.decider';
import {
  adapterTuningSchema,
  stationAdapterConfigEventCodec,
} from '../../domain/station-adapter-config/station-adapter-config.events';
import { invalid } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import {
  STATION_ADAPTER_TYPES,
  type StationAdapterSettings,
  type StationAdapterType,
} from '../../integrations/cpms/station-adapter';
import type { SecretBox } from '../../webhooks/secret-box';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';
import {
  evolveStationAdapterConfigView,
  unconfiguredView,
  type StationAdapterConfigView,
} from './station-adapter-config.view';

export interface StationAdapterConfigServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  /** The webhook secrets' box: adapter credentials are kept exactly as signing secrets are. */
  secretBox: SecretBox;
}

/** One configuration per adapter type, for the whole deployment. */
export const stationAdapterConfigStreamName = (adapterType: string): string =>
  `station_adapter_config-${adapterType}`;

export const stationAdapterConfigAggregate = {
  decider: stationAdapterConfigDecider,
  codec: stationAdapterConfigEventCodec,
  streamName: stationAdapterConfigStreamName,
  view: evolveStationAdapterConfigView,
};

/** Binds a ciphertext to its adapter and field: copied to another field, it does not decrypt. */
const secretContext = (adapterType: StationAdapterType, field: string) =>
  `${stationAdapterConfigStreamName(adapterType)}.${field}`;

const patchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  timeouts: adapterTuningSchema.shape.timeouts.partial().optional(),
  retry: adapterTuningSchema.shape.retry.partial().optional(),
  circuitBreaker: adapterTuningSchema.shape.circuitBreaker.partial().optional(),
  pollIntervalMs: adapterTuningSchema.shape.pollIntervalMs.optional(),
  credentials: z.record(z.string(), z.string().min(1).max(4096)).optional(),
});

const parsePatch = (body: unknown) => {
  const parsed = patchSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw invalid('invalid_adapter_config', `${param ?? 'config'}: ${issue?.message ?? 'is invalid'}`, param);
};

/** The live settings an adapter is built from, with the version they came from. */
export interface LiveAdapterSettings {
  version: number;
  settings: StationAdapterSettings;
}

export const stationAdapterConfigService = (deps: StationAdapterConfigServiceDeps) => {
  const handler = commandHandlerFor(deps.eventStore, stationAdapterConfigAggregate);
  const view = async (adapterType: StationAdapterType): Promise<StationAdapterConfigView> =>
    (await handler.load(adapterType)).view ?? unconfiguredView(adapterType);

  return {
    async configure(
      adapterType: StationAdapterType,
      body: unknown,
      context: CommandContext,
      expectedVersion?: number,
    ): Promise<StationAdapterConfigView> {
      const { credentials, ...rest } = parsePatch(body);
      const changes: ConfigureStationAdapter['changes'] = {
        ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
        ...(credentials
          ? {
              credentials: Object.fromEntries(
                Object.entries(credentials).map(([field, secret]) => [
                  field,
                  deps.secretBox.encrypt(secret, secretContext(adapterType, field)),
                ]),
              ),
            }
          : {}),
      };
      const command: ConfigureStationAdapter = {
        type: 'ConfigureStationAdapter',
        now: deps.clock.now().toISOString(),
        adapterType,
        changes,
      };
      const result = await handler.handle(
        adapterType,
        command,
        context,
        expectedVersion === undefined ? {} : { expectedVersion },
      );
      return result.view ?? unconfiguredView(adapterType);
    },

    view,

    views: (): Promise<StationAdapterConfigView[]> => Promise.all(STATION_ADAPTER_TYPES.map(view)),

    /** The decrypted settings of an enabled adapter, from its stream; undefined when there are none. */
    async liveSettings(adapterType: StationAdapterType): Promise<LiveAdapterSettings | undefined> {
      const { state, version } = await handler.load(adapterType);
      if (state.status !== 'configured' || !state.config.enabled) return undefined;
      const { baseUrl, timeouts, retry, circuitBreaker, pollIntervalMs } = state.config;
      const secret = (field: string): string => {
        const encrypted = state.config.credentials[field];
        if (!encrypted) throw new Error(`the ${adapterType} adapter has no ${field}`);
        return deps.secretBox.decrypt(encrypted, secretContext(adapterType, field));
      };
      const common = { baseUrl, timeouts, retry, circuitBreaker, pollIntervalMs };
      const settings: StationAdapterSettings =
        adapterType === 'longship'
          ? {
              ...common,
              adapterType,
              credentials: {
                tenantKey: secret('tenantKey'),
                applicationKey: secret('applicationKey'),
                webhookSecret: secret('webhookSecret'),
              },
            }
          : {
              ...common,
              adapterType,
              credentials: { clientId: secret('clientId'), clientSecret: secret('clientSecret') },
            };
      return { version, settings };
    },
  };
};

export type StationAdapterConfigService = ReturnType<typeof stationAdapterConfigService>;
