import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import { STATION_ADAPTER_TYPES, type ObservationSink } from '../../integrations/cpms/station-adapter';
import type { AdapterLookup } from '../../integrations/cpms/station-adapter-registry';
import type { StationAdapterType } from '../../integrations/cpms/station-adapter';
import {
  STATION_MAPPINGS_COLLECTION,
  type StationMappingDocument,
} from '../../projections/charging-infrastructure/station-mapping.document';
import { runPeriodically } from '../run-periodically';

export interface ConnectorStatusPollerDeps {
  readStore: ReadStore;
  lookup: (adapterType: StationAdapterType) => Promise<AdapterLookup>;
  sink: ObservationSink;
  logger: Logger;
  /** How often each adapter's own pollIntervalMs is checked for being due. */
  tickMs: number;
  nowMs?: () => number;
}

/** The charge points of an adapter type's mappings: which ones to ask about (a read model lists them). */
const chargePointsOf = async (readStore: ReadStore, adapterType: StationAdapterType): Promise<string[]> => {
  const mappings = await readStore
    .collection<StationMappingDocument>(STATION_MAPPINGS_COLLECTION)
    .find({ adapterType });
  return [...new Set(mappings.map((mapping) => mapping.chargePointId))].sort();
};

/**
 * For CPMSs that cannot push: each configured adapter whose pollIntervalMs is above 0 is asked for its
 * mapped charge points' statuses that often (the interval read from its live settings, so a changed
 * configuration applies at the next tick), and what it answers goes to the sink like a push.
 */
export const startConnectorStatusPoller = (
  deps: ConnectorStatusPollerDeps,
): { close: () => Promise<void> } => {
  const nowMs = deps.nowMs ?? Date.now;
  const lastPolled = new Map<StationAdapterType, number>();

  const pollDue = async (adapterType: StationAdapterType): Promise<void> => {
    const found = await deps.lookup(adapterType);
    if (found.kind !== 'ready' || found.settings.pollIntervalMs <= 0) return;
    const last = lastPolled.get(adapterType);
    if (last !== undefined && nowMs() - last < found.settings.pollIntervalMs) return;
    lastPolled.set(adapterType, nowMs());
    const chargePointIds = await chargePointsOf(deps.readStore, adapterType);
    if (chargePointIds.length === 0) return;
    const observations = await found.adapter.pollConnectorStatuses(chargePointIds);
    for (const observation of observations) await deps.sink.connectorStatus(observation);
  };

  return runPeriodically('connector status poll', deps.tickMs, deps.logger, async () => {
    for (const adapterType of STATION_ADAPTER_TYPES) {
      try {
        await pollDue(adapterType);
      } catch (error) {
        deps.logger.warn('connector status poll failed', {
          adapterType,
          error: error instanceof Error ? error.message : 'unknown',
        });
      }
    }
  });
};
