import { z } from 'zod';
import { STATION_ADAPTER_TYPES, type StationAdapterType } from '../../integrations/cpms/station-adapter';
import { encryptedSecretSchema } from '../webhook-subscription/webhook-subscription.events';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();
const ms = (max: number) => z.number().int().min(0).max(max);

/** The credentials each adapter type needs, all write-only. */
export const CREDENTIAL_FIELDS = {
  longship: ['tenantKey', 'applicationKey', 'webhookSecret'],
  corpay: ['clientId', 'clientSecret'],
} as const satisfies Record<StationAdapterType, readonly string[]>;

export const adapterTuningSchema = z.object({
  timeouts: z.object({ requestMs: ms(120_000).min(100), startConfirmMs: ms(600_000).min(1_000) }),
  retry: z.object({ attempts: z.number().int().min(1).max(10), backoffMs: ms(60_000) }),
  circuitBreaker: z.object({
    failureThreshold: z.number().int().min(1).max(1_000),
    resetMs: ms(3_600_000).min(100),
  }),
  /** 0 turns polling off. */
  pollIntervalMs: z.union([z.literal(0), ms(86_400_000).min(1_000)]),
});
export type AdapterTuning = z.infer<typeof adapterTuningSchema>;

export const stationAdapterConfigEventSchemas = {
  /**
   * The adapter's whole configuration after a change, secrets encrypted (AES-256-GCM, like webhook
   * signing secrets); `changed` names what changed, never a value. The actor is the event's metadata.
   */
  StationAdapterConfigured: adapterTuningSchema.extend({
    adapterType: z.enum(STATION_ADAPTER_TYPES),
    enabled: z.boolean(),
    baseUrl: z.url({ protocol: /^https?$/ }),
    credentials: z.record(z.string(), encryptedSecretSchema),
    changed: z.array(z.string()).min(1),
    configuredAt: timestamp,
  }),
} as const;

export type StationAdapterConfigEvent = EventsOf<typeof stationAdapterConfigEventSchemas>;
export type StationAdapterConfigured = StationAdapterConfigEvent['data'];

export const stationAdapterConfigEventCodec = zodEventCodec(stationAdapterConfigEventSchemas);
