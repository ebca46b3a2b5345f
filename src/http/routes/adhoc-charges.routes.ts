import { Router, type Request, type Response } from 'express';
import type { ChargeResult, ChargeService } from '../../commands/charges/charge.service';
import { canReach } from '../../commands/access-scope';
import { chargeSessionStreamName } from '../../domain/charge-session/charge-session.decider';
import type { MeterReading } from '../../domain/charge-session/charge-session.events';
import type { Filter } from '../../infrastructure/read-store/read-store';
import { CHARGES_COLLECTION, type ChargeDocument } from '../../projections/charges/charge.document';
import { ApiError } from '../errors/api-error';
import { sendResource, toResource } from '../resource';
import { commandContext, scopeOf } from '../request-context';
import { freshDocument, type ReadSide } from '../read-your-writes';
import { createdAtAndId, listPage, merchantListFilter } from '../pagination';

export interface AdhocChargeRoutesDeps extends ReadSide {
  service: ChargeService;
}

const DEFAULT_LIMIT = 10;

const notFound = (id: string) => new ApiError(404, 'not_found_error', 'charge_not_found', `no charge ${id}`);
const idParam = (req: Request): string => req.params.id as string;

const readingOf = (body: Record<string, unknown>): MeterReading => ({
  measuredAt: body.measuredAt as string,
  meterWh: body.meterWh as number,
  ...(body.powerKw === undefined ? {} : { powerKw: body.powerKw as number }),
  ...(body.currentA === undefined ? {} : { currentA: body.currentA as number }),
});

/** Command answers are rendered with the projection's own function (the handler's view): no wait needed. */
const sendResult = (res: Response, status: number, result: ChargeResult): void => {
  const doc = result.view;
  if (!doc) throw new Error('a charge command left no charge');
  sendResource(res, status, doc);
};

const listFilter = (req: Request, res: Response): Filter =>
  merchantListFilter(scopeOf(res), req.query as Record<string, string | undefined>, [
    'terminalId',
    'stationId',
    'connectorId',
    'status',
  ]);

/** The five ad-hoc charge endpoints of the seed. */
export const adhocChargeRoutes = (deps: AdhocChargeRoutesDeps): Router => {
  const router = Router();
  const { service } = deps;

  router.post('/v1/adhoc-charges/start', async (req, res) => {
    const result = await service.start(req.body, scopeOf(res), commandContext(res));
    const doc = result.view;
    if (doc) res.setHeader('Location', `/v1/adhoc-charges/${doc.id}`);
    sendResult(res, 201, result);
  });

  router.put('/v1/adhoc-charges/:id/progress', async (req, res) => {
    const result = await service.recordProgress(
      idParam(req),
      readingOf(req.body),
      scopeOf(res),
      commandContext(res),
    );
    sendResult(res, 200, result);
  });

  router.post('/v1/adhoc-charges/:id/complete', async (req, res) => {
    const reading = (req.body as { reading?: Record<string, unknown> } | undefined)?.reading;
    const result = await service.complete(
      idParam(req),
      reading ? readingOf(reading) : undefined,
      scopeOf(res),
      commandContext(res),
    );
    sendResult(res, 200, result);
  });

  router.get('/v1/adhoc-charges/:id', async (req, res) => {
    const id = idParam(req);
    const doc = await freshDocument<ChargeDocument>(
      deps,
      chargeSessionStreamName(id),
      CHARGES_COLLECTION,
      id,
    );
    if (!doc || !canReach(scopeOf(res), doc)) throw notFound(id);
    sendResource(res, 200, doc);
  });

  router.get('/v1/adhoc-charges', async (req, res) => {
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const docs = await deps.readStore
      .collection<ChargeDocument>(CHARGES_COLLECTION)
      .find(listFilter(req, res), { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 });
    res.json(listPage(docs, limit, createdAtAndId, toResource));
  });

  return router;
};
