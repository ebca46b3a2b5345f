import { Router } from 'express';
import type { StationAdapterConfigService } from '../../commands/charging-infrastructure/station-adapter-config.service';
import type { StationAdapterType } from '../../integrations/cpms/station-adapter';
import type { AdapterHealthEntry } from '../../integrations/cpms/station-adapter-registry';
import {
  CONNECTOR_STATUSES_COLLECTION,
  type ConnectorStatusDocument,
} from '../../projections/charging-infrastructure/connector-status.document';
import { ApiError } from '../errors/api-error';
import { principalOf } from '../middleware/authenticate';
import { decodeCursor, listPage } from '../pagination';
import type { ReadSide } from '../read-your-writes';
import { commandContext, scopeOf } from '../request-context';
import { etagOf, parseIfMatch, toResource } from '../resource';

export interface ChargingInfrastructureRoutesDeps extends ReadSide {
  configs: StationAdapterConfigService;
  health: () => Promise<AdapterHealthEntry[]>;
}

const BASE = '/v1/charging-infrastructure';
const DEFAULT_LIMIT = 10;
/** The summary counts at most this many connectors of one merchant. */
const SUMMARY_LIMIT = 10_000;

type Counts = Record<string, number>;
const countInto = (counts: Counts, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const summarize = (connectors: readonly ConnectorStatusDocument[]) => {
  const byStatus: Counts = {};
  const byAdapter = new Map<string, Counts>();
  const byStation = new Map<string, Counts>();
  for (const connector of connectors) {
    countInto(byStatus, connector.status);
    const adapter = byAdapter.get(connector.adapterType) ?? {};
    countInto(adapter, connector.status);
    byAdapter.set(connector.adapterType, adapter);
    const station = byStation.get(connector.stationId) ?? {};
    countInto(station, connector.status);
    byStation.set(connector.stationId, station);
  }
  const total = (counts: Counts) => Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    object: 'connector_summary' as const,
    total: connectors.length,
    byStatus,
    byAdapter: [...byAdapter]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([adapterType, counts]) => ({
        adapterType,
        total: total(counts),
        byStatus: counts,
      })),
    byStation: [...byStation]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stationId, counts]) => ({
        stationId,
        total: total(counts),
        byStatus: counts,
      })),
  };
};

const renderConnector = (doc: ConnectorStatusDocument) => ({ id: doc._id, ...toResource(doc) });

/** Connector statuses, adapter configuration and adapter health (issue 11). */
export const chargingInfrastructureRoutes = (deps: ChargingInfrastructureRoutesDeps): Router => {
  const router = Router();
  const connectors = () => deps.readStore.collection<ConnectorStatusDocument>(CONNECTOR_STATUSES_COLLECTION);

  router.get(`${BASE}/connectors`, async (req, res) => {
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const query = req.query as Record<string, string | undefined>;
    const clauses: Record<string, unknown>[] = [{ merchantId: scopeOf(res).merchantId }];
    for (const param of ['stationId', 'status', 'adapterType'] as const) {
      if (query[param]) clauses.push({ [param]: query[param] });
    }
    if (query.cursor) clauses.push({ _id: { $gt: decodeCursor(query.cursor, 1)[0] } });
    const docs = await connectors().find({ $and: clauses }, { sort: { _id: 1 }, limit: limit + 1 });
    res.json(listPage(docs, limit, (doc) => [doc._id], renderConnector));
  });

  router.get(`${BASE}/connectors/summary`, async (_req, res) => {
    const docs = await connectors().find({ merchantId: scopeOf(res).merchantId }, { limit: SUMMARY_LIMIT });
    res.json(summarize(docs));
  });

  router.get(`${BASE}/config`, async (_req, res) => {
    res.json({ object: 'list', data: await deps.configs.views() });
  });

  router.patch(`${BASE}/config/:adapterType`, async (req, res) => {
    // One configuration serves every merchant: changing it takes an admin credential.
    if (!principalOf(res).scopes.has('admin'))
      throw new ApiError(
        403,
        'permission_error',
        'admin_required',
        'changing an adapter configuration needs an admin key',
      );
    const view = await deps.configs.configure(
      req.params.adapterType as StationAdapterType,
      req.body,
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    res.setHeader('ETag', etagOf(view.version));
    res.json(view);
  });

  router.get(`${BASE}/adapters/health`, async (_req, res) => {
    res.json({ object: 'list', data: await deps.health() });
  });

  return router;
};
