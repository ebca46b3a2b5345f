import { Registry } from 'prom-client';
import type { Logger } from '../../../../src/infrastructure/logging/logger';
import type {
  ConnectorStatusObservation,
  CorpayCredentials,
  LongshipCredentials,
  ObservationSink,
  SessionObservation,
  StationAdapterDeps,
  StationAdapterSettings,
} from '../../../../src/integrations/cpms/station-adapter';

/** Every observation a sink received, in arrival order. */
export class RecordingSink implements ObservationSink {
  readonly statuses: ConnectorStatusObservation[] = [];
  readonly sessions: SessionObservation[] = [];
  connectorStatus(observation: ConnectorStatusObservation): Promise<void> {
    this.statuses.push(observation);
    return Promise.resolve();
  }
  session(observation: SessionObservation): Promise<void> {
    this.sessions.push(observation);
    return Promise.resolve();
  }
}

const COMMON = {
  timeouts: { requestMs: 500, startConfirmMs: 1500 },
  retry: { attempts: 3, backoffMs: 10 },
  circuitBreaker: { failureThreshold: 5, resetMs: 300 },
  pollIntervalMs: 0,
};

type Overrides = Partial<Pick<StationAdapterSettings, 'timeouts' | 'retry' | 'circuitBreaker'>>;

export const longshipSettings = (
  baseUrl: string,
  credentials: LongshipCredentials,
  overrides: Overrides = {},
): StationAdapterSettings => ({ ...COMMON, ...overrides, adapterType: 'longship', baseUrl, credentials });

export const corpaySettings = (
  baseUrl: string,
  credentials: CorpayCredentials,
  overrides: Overrides = {},
): StationAdapterSettings => ({ ...COMMON, ...overrides, adapterType: 'corpay', baseUrl, credentials });

export const adapterDeps = (logger?: Logger) => {
  const registry = new Registry();
  const sink = new RecordingSink();
  const deps: StationAdapterDeps = { now: () => new Date(), sink, registry, ...(logger ? { logger } : {}) };
  return { deps, registry, sink };
};

/** The value of `cpms_requests_total` for the given labels (0 when never counted). */
export const requestsCounted = async (
  registry: Registry,
  labels: { adapter: string; operation: string; outcome: string },
): Promise<number> => {
  const metric = registry.getSingleMetric('cpms_requests_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return match?.value ?? 0;
};
