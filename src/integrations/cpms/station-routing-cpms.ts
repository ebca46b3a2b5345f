import {
  CpmsUnavailableError,
  type CpmsAdapter,
  type SessionRequest,
  type StartSessionResult,
  type StopSessionResult,
} from './cpms-adapter';
import {
  STATION_ADAPTER_TYPES,
  type CpmsTarget,
  type MappedAdapterType,
  type StationAdapter,
  type StationAdapterType,
} from './station-adapter';
import type { AdapterLookup } from './station-adapter-registry';

/** Where a charge's calls go: the adapter type and the CPMS's ids, or why they cannot go anywhere. */
export type StationRoute =
  | { kind: 'unmapped' }
  | { kind: 'mapped'; adapterType: MappedAdapterType; target: CpmsTarget }
  | { kind: 'connector_not_mapped'; adapterType: MappedAdapterType };

export interface StationRoutingDeps {
  /** Stations no mapping names keep going where they always went (the simulator by default). */
  fallback: CpmsAdapter;
  /** Decided from the mapping's stream, never a read model. */
  routeOf: (merchantId: string, stationId: string, connectorId: string) => Promise<StationRoute>;
  lookup: (adapterType: StationAdapterType) => Promise<AdapterLookup>;
  /**
   * Stations mapped to an OCPI CPO: the OCPI runtime's CPMS adapter, which takes the station as
   * `ocpi:<partyRef>:<locationId>` and the EVSE uid as `evseId`.
   */
  ocpi?: CpmsAdapter;
}

/** The OCPI adapter's station id for a mapping's target (kept in step with src/ocpi/modules/ocpi-cpms-adapter). */
const ocpiStationOf = (target: CpmsTarget): string | undefined =>
  target.locationId ? `ocpi:${target.chargePointId}:${target.locationId}` : undefined;

type Resolved =
  | { kind: 'fallback' }
  | { kind: 'ocpi'; adapter: CpmsAdapter; stationId: string; evseId: string | null; connectorId: string }
  | { kind: 'adapter'; adapter: StationAdapter; target: CpmsTarget; adapterType?: StationAdapterType }
  | { kind: 'refused'; reason: string };

const isStationAdapterType = (value: string): value is StationAdapterType =>
  (STATION_ADAPTER_TYPES as readonly string[]).includes(value);

const refusalOf = (adapterType: string, kind: 'not_configured' | 'unavailable') =>
  kind === 'not_configured'
    ? `cpms_adapter_not_configured: the ${adapterType} adapter has no configuration`
    : `cpms_adapter_unavailable: this gateway has no ${adapterType} adapter`;

/** The charge's request with the OCPI CPO's station, EVSE and connector in place of ours. */
const ocpiRequest = <R extends { stationId: string; connectorId: string; evseId?: string | null }>(
  request: R,
  resolved: Extract<Resolved, { kind: 'ocpi' }>,
): R => ({
  ...request,
  stationId: resolved.stationId,
  connectorId: resolved.connectorId,
  ...(resolved.evseId ? { evseId: resolved.evseId } : {}),
});

/**
 * The charges' CPMS port, routed by station: a mapped station's calls go to the StationAdapter of its
 * mapping's type with the CPMS's ids; an adapter that is not configured is a refusal (the charge fails
 * its start and the intent is voided), never a wait.
 */
export const stationRoutingCpms = (deps: StationRoutingDeps): CpmsAdapter => {
  const resolveOcpi = (target: CpmsTarget, stationId: string): Resolved => {
    const ocpiStation = ocpiStationOf(target);
    if (!deps.ocpi)
      return { kind: 'refused', reason: 'cpms_adapter_unavailable: this gateway has no OCPI adapter' };
    if (!ocpiStation)
      return {
        kind: 'refused',
        reason: `ocpi_location_not_mapped: station ${stationId} names no OCPI location`,
      };
    return {
      kind: 'ocpi',
      adapter: deps.ocpi,
      stationId: ocpiStation,
      evseId: target.evseUid ?? null,
      connectorId: target.cpmsConnectorId ?? String(target.connectorNumber),
    };
  };
  const resolve = async (merchantId: string, stationId: string, connectorId: string): Promise<Resolved> => {
    const route = await deps.routeOf(merchantId, stationId, connectorId);
    if (route.kind === 'unmapped') return { kind: 'fallback' };
    if (route.kind === 'connector_not_mapped')
      return {
        kind: 'refused',
        reason: `connector_not_mapped: station ${stationId} maps no connector ${connectorId}`,
      };
    if (route.adapterType === 'ocpi') return resolveOcpi(route.target, stationId);
    const found = await deps.lookup(route.adapterType);
    if (found.kind === 'ready')
      return {
        kind: 'adapter',
        adapter: found.adapter,
        target: route.target,
        adapterType: route.adapterType,
      };
    return { kind: 'refused', reason: refusalOf(route.adapterType, found.kind) };
  };
  /** Where the session's start was accepted, when it was routed; else where the mapping says now. */
  const resolveSession = async (request: SessionRequest): Promise<Resolved> => {
    const route = request.route;
    if (!route) return resolve(request.merchantId, request.stationId, request.connectorId);
    const { adapterType, ...target } = route;
    if (!isStationAdapterType(adapterType))
      return {
        kind: 'refused',
        reason: `cpms_adapter_unavailable: this gateway has no ${adapterType} adapter`,
      };
    const found = await deps.lookup(adapterType);
    if (found.kind === 'ready') return { kind: 'adapter', adapter: found.adapter, target };
    return { kind: 'refused', reason: refusalOf(adapterType, found.kind) };
  };

  return {
    name: 'station-routing',

    async startSession(request): Promise<StartSessionResult> {
      const resolved = await resolve(request.merchantId, request.stationId, request.connectorId);
      if (resolved.kind === 'fallback') return deps.fallback.startSession(request);
      if (resolved.kind === 'refused') return { outcome: 'refused', reason: resolved.reason };
      if (resolved.kind === 'ocpi') return resolved.adapter.startSession(ocpiRequest(request, resolved));
      const result = await resolved.adapter.startSession({
        chargeId: request.chargeId,
        target: resolved.target,
      });
      if (result.outcome !== 'accepted' || !resolved.adapterType) return result;
      return { ...result, route: { adapterType: resolved.adapterType, ...resolved.target } };
    },

    async stopSession(request): Promise<StopSessionResult> {
      const resolved = await resolveSession(request);
      if (resolved.kind === 'fallback') return deps.fallback.stopSession(request);
      if (resolved.kind === 'refused') return { outcome: 'refused', reason: resolved.reason };
      if (resolved.kind === 'ocpi') return resolved.adapter.stopSession(ocpiRequest(request, resolved));
      return resolved.adapter.stopSession({
        chargeId: request.chargeId,
        target: resolved.target,
        cpmsSessionId: request.cpmsSessionId,
      });
    },

    async getSession(request) {
      const resolved = await resolveSession(request);
      if (resolved.kind === 'fallback') return deps.fallback.getSession(request);
      // Nothing to ask: the next poll tries again (a configuration may come back).
      if (resolved.kind === 'refused') throw new CpmsUnavailableError(resolved.reason);
      if (resolved.kind === 'ocpi') return resolved.adapter.getSession(ocpiRequest(request, resolved));
      return resolved.adapter.getSession({
        chargeId: request.chargeId,
        target: resolved.target,
        cpmsSessionId: request.cpmsSessionId,
      });
    },

    ping: () => deps.fallback.ping(),
  };
};
