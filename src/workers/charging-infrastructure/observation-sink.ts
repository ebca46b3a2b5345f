import type { ChargeService } from '../../commands/charges/charge.service';
import type { ConnectorStatusService } from '../../commands/charging-infrastructure/connector-status.service';
import { systemContext } from '../../commands/command-context';
import { newId } from '../../infrastructure/ids';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ObservationSink, SessionObservation } from '../../integrations/cpms/station-adapter';
import { CHARGES_COLLECTION, type ChargeDocument } from '../../projections/charges/charge.document';
import {
  STATION_MAPPINGS_COLLECTION,
  type StationMappingDocument,
} from '../../projections/charging-infrastructure/station-mapping.document';

export interface ObservationSinkDeps {
  readStore: ReadStore;
  connectorStatuses: ConnectorStatusService;
  charges: Pick<ChargeService, 'reportCpmsStatus'>;
  logger: Logger;
}

const OPEN_CHARGE_STATUSES = ['pending', 'active', 'stopping', 'stop_failed'];

/**
 * Where what the CPMSs push or polling finds goes. The read models only find candidates (which
 * merchant's station a charge point is, which charge a CPMS session is); each aggregate decides from
 * its own stream: a connector ignores an observation older than its newest, a charge ignores a status
 * it already knew.
 */
const mappingsOf = (deps: ObservationSinkDeps, adapterType: string, chargePointId: string) =>
  deps.readStore
    .collection<StationMappingDocument>(STATION_MAPPINGS_COLLECTION)
    .find({ adapterType, chargePointId });

/**
 * The open charges a session observation is about: by the CPMS's session id, or, before the charge
 * knows it (a start confirmed only by the push), by the mapped station and connector.
 */
const chargesOf = async (deps: ObservationSinkDeps, observation: SessionObservation) => {
  const charges = deps.readStore.collection<ChargeDocument>(CHARGES_COLLECTION);
  const open = { status: { $in: OPEN_CHARGE_STATUSES } };
  const bySession = await charges.find({ 'cpms.sessionId': observation.cpmsSessionId, ...open });
  if (bySession.length > 0 || observation.connectorNumber === undefined) return bySession;
  const found: ChargeDocument[] = [];
  for (const mapping of await mappingsOf(deps, observation.adapterType, observation.chargePointId)) {
    const connector = mapping.connectors.find((c) => c.connectorNumber === observation.connectorNumber);
    if (!connector) continue;
    const candidates = await charges.find({
      merchantId: mapping.merchantId,
      stationId: mapping.stationId,
      connectorId: connector.connectorId,
      'cpms.sessionId': null,
      ...open,
    });
    found.push(...candidates);
  }
  return found;
};

export const observationSink = (deps: ObservationSinkDeps): ObservationSink => ({
  async connectorStatus(observation) {
    const mappings = await mappingsOf(deps, observation.adapterType, observation.chargePointId);
    if (mappings.length === 0) {
      deps.logger.debug('connector status for a charge point no station maps', {
        adapterType: observation.adapterType,
        chargePointId: observation.chargePointId,
      });
      return;
    }
    const context = systemContext(newId('obs'));
    for (const mapping of mappings) {
      const connector = mapping.connectors.find(
        (candidate) => candidate.connectorNumber === observation.connectorNumber,
      );
      // Lists and summaries count mapped connectors only: a connector the mapping does not name (or OCPP's
      // connector 0, the charge point itself) would be listed without an id of ours and counted as one more.
      if (!connector) {
        deps.logger.debug('connector status for a connector no mapping names', {
          adapterType: observation.adapterType,
          chargePointId: observation.chargePointId,
          connectorNumber: observation.connectorNumber,
        });
        continue;
      }
      await deps.connectorStatuses.record(
        {
          merchantId: mapping.merchantId,
          stationId: mapping.stationId,
          connectorId: connector.connectorId,
          adapterType: observation.adapterType,
          chargePointId: observation.chargePointId,
          connectorNumber: observation.connectorNumber,
          status: observation.status,
          ...(observation.connectivity ? { connectivity: observation.connectivity } : {}),
          observedAt: observation.observedAt,
          source: observation.source,
        },
        context,
      );
    }
  },

  async session(observation) {
    const charges = await chargesOf(deps, observation);
    if (charges.length === 0) {
      // Not ours (a session started at the charge point itself) or already finished: nothing to tell.
      deps.logger.info('CPMS session observation for no open charge', {
        adapterType: observation.adapterType,
        cpmsSessionId: observation.cpmsSessionId,
        status: observation.status,
      });
      return;
    }
    const context = systemContext(newId('obs'));
    for (const charge of charges) {
      await deps.charges.reportCpmsStatus(charge.id, observation.status, observation.cpmsSessionId, context);
    }
  },
});
