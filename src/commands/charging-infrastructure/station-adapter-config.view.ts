import { stationAdapterConfigEventCodec } from '../../domain/station-adapter-config/station-adapter-config.events';
import { CREDENTIAL_FIELDS } from '../../domain/station-adapter-config/station-adapter-config.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StationAdapterType } from '../../integrations/cpms/station-adapter';

/** An adapter's configuration as the API shows it: each secret only as whether it is set. */
export interface StationAdapterConfigView {
  object: 'station_adapter_config';
  adapterType: StationAdapterType;
  configured: boolean;
  enabled: boolean;
  baseUrl: string | null;
  timeouts: { requestMs: number; startConfirmMs: number } | null;
  retry: { attempts: number; backoffMs: number } | null;
  circuitBreaker: { failureThreshold: number; resetMs: number } | null;
  pollIntervalMs: number | null;
  credentials: Record<string, { set: boolean }>;
  updatedAt: string | null;
  updatedBy: string | null;
  version: number;
}

export const unconfiguredView = (adapterType: StationAdapterType): StationAdapterConfigView => ({
  object: 'station_adapter_config',
  adapterType,
  configured: false,
  enabled: false,
  baseUrl: null,
  timeouts: null,
  retry: null,
  circuitBreaker: null,
  pollIntervalMs: null,
  credentials: Object.fromEntries(CREDENTIAL_FIELDS[adapterType].map((field) => [field, { set: false }])),
  updatedAt: null,
  updatedBy: null,
  version: 0,
});

export const evolveStationAdapterConfigView = (
  _view: StationAdapterConfigView | null,
  recorded: RecordedEvent,
): StationAdapterConfigView => {
  const { data } = stationAdapterConfigEventCodec.decode(recorded);
  return {
    object: 'station_adapter_config',
    adapterType: data.adapterType,
    configured: true,
    enabled: data.enabled,
    baseUrl: data.baseUrl,
    timeouts: data.timeouts,
    retry: data.retry,
    circuitBreaker: data.circuitBreaker,
    pollIntervalMs: data.pollIntervalMs,
    credentials: Object.fromEntries(
      CREDENTIAL_FIELDS[data.adapterType].map((field) => [
        field,
        { set: data.credentials[field] !== undefined },
      ]),
    ),
    updatedAt: data.configuredAt,
    updatedBy: recorded.metadata.actor.id,
    version: recorded.revision + 1,
  };
};
