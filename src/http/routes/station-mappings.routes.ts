import { Router, type Request } from 'express';
import {
  stationMappingStreamName,
  type StationMappingService,
} from '../../commands/charging-infrastructure/station-mapping.service';
import { CpmsUnavailableError } from '../../integrations/cpms/cpms-adapter';
import type { CpmsTarget, StationTestResult } from '../../integrations/cpms/station-adapter';
import type { AdapterLookup } from '../../integrations/cpms/station-adapter-registry';
import type { StationAdapterType } from '../../integrations/cpms/station-adapter';
import {
  STATION_MAPPINGS_COLLECTION,
  type StationMappingDocument,
} from '../../projections/charging-infrastructure/station-mapping.document';
import { ApiError } from '../errors/api-error';
import { createdAtAndId, listPage, merchantListFilter } from '../pagination';
import { freshDocument, type ReadSide } from '../read-your-writes';
import { commandContext, scopeOf } from '../request-context';
import { parseIfMatch, sendResource, toResource } from '../resource';

export interface StationMappingRoutesDeps extends ReadSide {
  service: StationMappingService;
  lookup: (adapterType: StationAdapterType) => Promise<AdapterLookup>;
}

const BASE = '/v1/charging-infrastructure/mappings';
const DEFAULT_LIMIT = 10;

const notFound = () =>
  new ApiError(404, 'not_found_error', 'station_mapping_not_found', 'no such station mapping');
const idParam = (req: Request): string => req.params.id as string;

/** A CPMS that cannot be reached is a finding of the test, not an error of ours. */
const testStation = async (
  adapter: { testStation(target: CpmsTarget): Promise<StationTestResult> },
  adapterType: StationAdapterType,
  target: CpmsTarget,
): Promise<StationTestResult> => {
  const started = performance.now();
  try {
    return await adapter.testStation(target);
  } catch (error) {
    if (!(error instanceof CpmsUnavailableError)) throw error;
    return {
      ok: false,
      adapterType,
      latencyMs: Math.round(performance.now() - started),
      error: { code: 'cpms_unavailable', message: error.message },
    };
  }
};

/** A merchant's stations mapped to the CPMSs that run them (issue 11). */
export const stationMappingRoutes = (deps: StationMappingRoutesDeps): Router => {
  const router = Router();

  router.post(BASE, async (req, res) => {
    const result = await deps.service.create(req.body, scopeOf(res), commandContext(res));
    if (!result.view) throw new Error('a station mapping create left no mapping');
    sendResource(res, 201, result.view);
  });

  router.get(BASE, async (req, res) => {
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const filter = merchantListFilter(
      { merchantId: scopeOf(res).merchantId },
      req.query as Record<string, string>,
      ['stationId', 'adapterType', 'chargePointId'],
    );
    const docs = await deps.readStore
      .collection<StationMappingDocument>(STATION_MAPPINGS_COLLECTION)
      .find(filter, { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 });
    res.json(listPage(docs, limit, createdAtAndId, toResource));
  });

  router.get(`${BASE}/:id`, async (req, res) => {
    const id = idParam(req);
    const doc = await freshDocument<StationMappingDocument>(
      deps,
      stationMappingStreamName(id),
      STATION_MAPPINGS_COLLECTION,
      id,
    );
    if (!doc || doc.merchantId !== scopeOf(res).merchantId) throw notFound();
    sendResource(res, 200, doc);
  });

  router.patch(`${BASE}/:id`, async (req, res) => {
    const result = await deps.service.update(
      idParam(req),
      req.body,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    if (!result.view) throw new Error('a station mapping update left no mapping');
    sendResource(res, 200, result.view);
  });

  router.delete(`${BASE}/:id`, async (req, res) => {
    await deps.service.delete(
      idParam(req),
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    res.status(204).end();
  });

  router.post(`${BASE}/:id/test`, async (req, res) => {
    const mapping = await deps.service.find(idParam(req), scopeOf(res));
    const { adapterType, chargePointId, locationId, connectors } = mapping.definition;
    if (adapterType === 'ocpi')
      throw new ApiError(
        422,
        'invalid_request_error',
        'station_test_unsupported',
        'an OCPI station is checked through its party: pull its locations',
      );
    const found = await deps.lookup(adapterType);
    if (found.kind === 'not_configured')
      throw new ApiError(
        409,
        'conflict_error',
        'adapter_not_configured',
        `the ${adapterType} adapter is not configured`,
      );
    if (found.kind === 'unavailable')
      throw new ApiError(
        422,
        'invalid_request_error',
        'adapter_unavailable',
        `this gateway has no ${adapterType} adapter`,
      );
    const [first] = connectors;
    const target: CpmsTarget = {
      chargePointId,
      connectorNumber: first?.connectorNumber ?? 1,
      ...(first?.cpmsConnectorId ? { cpmsConnectorId: first.cpmsConnectorId } : {}),
      ...(locationId ? { locationId } : {}),
      ...(first?.evseUid ? { evseUid: first.evseUid } : {}),
    };
    res.json({
      object: 'station_test',
      mappingId: mapping.mappingId,
      ...(await testStation(found.adapter, adapterType, target)),
    });
  });

  return router;
};
