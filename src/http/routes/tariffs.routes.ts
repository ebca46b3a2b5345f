import { Router, type Request } from 'express';
import {
  tariffDocumentId,
  tariffStreamName,
  type TariffService,
} from '../../commands/tariffs/tariff.service';
import { TARIFFS_COLLECTION, type TariffDocument } from '../../projections/tariffs/tariff.document';
import { ApiError } from '../errors/api-error';
import { parseIfMatch, sendResource, toResource } from '../resource';
import { commandContext, scopeOf } from '../request-context';
import { freshDocument, type ReadSide } from '../read-your-writes';
import { decodeCursor, listPage } from '../pagination';

export interface TariffRoutesDeps extends ReadSide {
  service: TariffService;
}

const DEFAULT_LIMIT = 10;

const notFound = (id: string) => new ApiError(404, 'not_found_error', 'tariff_not_found', `no tariff ${id}`);
const idParam = (req: Request): string => req.params.id as string;

/** PUT/GET/DELETE /v1/tariffs/{id} and GET /v1/tariffs: a merchant's tariffs, by the merchant's own ids. */
export const tariffRoutes = (deps: TariffRoutesDeps): Router => {
  const router = Router();

  router.put('/v1/tariffs/:id', async (req, res) => {
    const id = idParam(req);
    const result = await deps.service.upsert(
      id,
      req.body,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    const doc = result.view;
    if (!doc) throw new Error('a tariff upsert left no tariff');
    const created = result.appended.length > 0 && result.version === result.appended.length;
    sendResource(res, created ? 201 : 200, doc);
  });

  router.get('/v1/tariffs/:id', async (req, res) => {
    const id = idParam(req);
    const { merchantId } = scopeOf(res);
    const doc = await freshDocument<TariffDocument>(
      deps,
      tariffStreamName(merchantId, id),
      TARIFFS_COLLECTION,
      tariffDocumentId(merchantId, id),
    );
    if (!doc) throw notFound(id);
    sendResource(res, 200, doc);
  });

  router.delete('/v1/tariffs/:id', async (req, res) => {
    await deps.service.delete(
      idParam(req),
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    res.status(204).end();
  });

  router.get('/v1/tariffs', async (req, res) => {
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const cursor = typeof req.query.cursor === 'string' ? decodeCursor(req.query.cursor, 1)[0] : undefined;
    const docs = await deps.readStore
      .collection<TariffDocument>(TARIFFS_COLLECTION)
      .find(
        { merchantId: scopeOf(res).merchantId, ...(cursor === undefined ? {} : { id: { $gt: cursor } }) },
        { sort: { id: 1 }, limit: limit + 1 },
      );
    res.json(listPage(docs, limit, (tariff) => [tariff.id], toResource));
  });

  return router;
};
