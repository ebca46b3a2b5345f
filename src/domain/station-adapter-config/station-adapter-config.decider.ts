import { isDeepStrictEqual } from 'node:util';
import type { StationAdapterType } from '../../integrations/cpms/station-adapter';
import type { EncryptedSecret } from '../webhook-subscription/webhook-subscription.events';
import type { Decider } from '../shared/decider';
import { invalid } from '../shared/domain-error';
import {
  CREDENTIAL_FIELDS,
  type AdapterTuning,
  type StationAdapterConfigEvent,
  type StationAdapterConfigured,
} from './station-adapter-config.events';

export interface ConfigureStationAdapter {
  type: 'ConfigureStationAdapter';
  now: string;
  adapterType: StationAdapterType;
  changes: {
    enabled?: boolean;
    baseUrl?: string;
    timeouts?: Partial<AdapterTuning['timeouts']>;
    retry?: Partial<AdapterTuning['retry']>;
    circuitBreaker?: Partial<AdapterTuning['circuitBreaker']>;
    pollIntervalMs?: number;
    /** Already encrypted by the service: the decider never sees a secret. */
    credentials?: Record<string, EncryptedSecret>;
  };
}

export type StationAdapterConfigState =
  { status: 'unconfigured' } | { status: 'configured'; config: StationAdapterConfigured };

export const DEFAULT_TUNING: AdapterTuning = {
  timeouts: { requestMs: 10_000, startConfirmMs: 120_000 },
  retry: { attempts: 3, backoffMs: 500 },
  circuitBreaker: { failureThreshold: 5, resetMs: 30_000 },
  pollIntervalMs: 0,
};

export const initialStationAdapterConfigState = (): StationAdapterConfigState => ({ status: 'unconfigured' });

export const evolveStationAdapterConfig = (
  _state: StationAdapterConfigState,
  event: StationAdapterConfigEvent,
): StationAdapterConfigState => ({ status: 'configured', config: event.data });

const TUNING_KEYS = ['timeouts', 'retry', 'circuitBreaker', 'pollIntervalMs', 'enabled', 'baseUrl'] as const;

export const decideStationAdapterConfig = (
  command: ConfigureStationAdapter,
  state: StationAdapterConfigState,
): StationAdapterConfigEvent[] => {
  const { changes, adapterType } = command;
  const before = state.status === 'configured' ? state.config : undefined;
  const base = before ?? { ...DEFAULT_TUNING, enabled: true, baseUrl: undefined, credentials: {} };
  const unknown = Object.keys(changes.credentials ?? {}).find(
    (field) => !(CREDENTIAL_FIELDS[adapterType] as readonly string[]).includes(field),
  );
  if (unknown !== undefined)
    throw invalid(
      'unknown_credential',
      `credentials.${unknown}: not a ${adapterType} credential`,
      `credentials.${unknown}`,
    );
  const next = {
    enabled: changes.enabled ?? base.enabled,
    baseUrl: changes.baseUrl ?? base.baseUrl,
    timeouts: { ...base.timeouts, ...changes.timeouts },
    retry: { ...base.retry, ...changes.retry },
    circuitBreaker: { ...base.circuitBreaker, ...changes.circuitBreaker },
    pollIntervalMs: changes.pollIntervalMs ?? base.pollIntervalMs,
    credentials: { ...base.credentials, ...changes.credentials },
  };
  if (next.baseUrl === undefined)
    throw invalid('adapter_config_incomplete', 'baseUrl: is required', 'baseUrl');
  const missing = CREDENTIAL_FIELDS[adapterType].find((field) => next.credentials[field] === undefined);
  if (missing !== undefined)
    throw invalid(
      'adapter_config_incomplete',
      `credentials.${missing}: is required`,
      `credentials.${missing}`,
    );
  if (next.timeouts.startConfirmMs < next.timeouts.requestMs)
    throw invalid(
      'invalid_adapter_config',
      'timeouts.startConfirmMs: must not be shorter than timeouts.requestMs',
      'timeouts.startConfirmMs',
    );
  // A secret given is a change even when equal: its ciphertext cannot be compared.
  const changed = [
    ...TUNING_KEYS.filter((key) => before === undefined || !isDeepStrictEqual(before[key], next[key])),
    ...Object.keys(changes.credentials ?? {}).map((field) => `credentials.${field}`),
  ];
  if (changed.length === 0) return [];
  return [
    {
      type: 'StationAdapterConfigured',
      data: { adapterType, ...next, baseUrl: next.baseUrl, changed, configuredAt: command.now },
    },
  ];
};

export const stationAdapterConfigDecider: Decider<
  StationAdapterConfigState,
  ConfigureStationAdapter,
  StationAdapterConfigEvent
> = {
  initialState: initialStationAdapterConfigState,
  decide: decideStationAdapterConfig,
  evolve: evolveStationAdapterConfig,
};
