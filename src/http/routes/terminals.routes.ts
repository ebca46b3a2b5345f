import { Router, type Request, type Response } from 'express';
import type { CommandResult } from '../../commands/command-handler';
import type { TerminalService } from '../../commands/terminals/terminal.service';
import type { TerminalState } from '../../domain/terminal/terminal.state';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import {
  emptyTerminalStats,
  type TerminalStatsDocument,
} from '../../projections/terminals/terminal-stats.document';
import { TERMINAL_STATS_COLLECTION } from '../../projections/terminals/terminal-stats.projection';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../projections/terminals/terminal.projection';
import { ApiError } from '../errors/api-error';
import { etagOf, parseIfMatch, sendResource, toResource } from '../resource';
import { createdAtAndId, listPage } from '../pagination';
import { commandContext, scopeOf } from '../request-context';
import { readModelLagging, waitForReadModels } from '../read-your-writes';
import {
  credentialView,
  terminalListFilter,
  terminalNotFound,
  terminalView,
  type TerminalListQuery,
} from './terminals.views';

export interface TerminalRoutesDeps {
  service: TerminalService;
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

const DEFAULT_LIMIT = 20;

const idParam = (req: Request): string => req.params.id as string;

const fromResult = (result: CommandResult<TerminalState, TerminalDocument>): TerminalDocument => {
  const doc = result.view;
  if (!doc) throw new Error('a terminal command left no terminal');
  return doc;
};

/** Command answers are rendered with the projection's own function (the handler's view): no wait needed. */
const sendResult = (
  res: Response,
  status: number,
  result: CommandResult<TerminalState, TerminalDocument>,
): void => sendResource(res, status, fromResult(result));

const sendWithCredential = (
  res: Response,
  status: number,
  outcome: { result: CommandResult<TerminalState, TerminalDocument>; apiKey: string },
): void => {
  const doc = fromResult(outcome.result);
  res.setHeader('ETag', etagOf(doc.version));
  res.status(status).json({ terminal: terminalView(doc), credential: credentialView(doc, outcome.apiKey) });
};

export const terminalRoutes = (deps: TerminalRoutesDeps): Router => {
  const router = Router();
  const { service } = deps;
  const terminals = () => deps.readStore.collection<TerminalDocument>(TERMINALS_COLLECTION);
  /** Lists and statistics show every acknowledged write: wait until the read models hold the store's head. */
  const waitForHead = async () =>
    waitForReadModels(deps.freshness, await deps.eventStore.headPosition(), deps.readYourWritesTimeoutMs);

  router.post('/v1/terminals', async (req, res) => {
    const outcome = await service.register(req.body, scopeOf(res), commandContext(res));
    const doc = fromResult(outcome.result);
    res.setHeader('Location', `/v1/terminals/${doc.id}`);
    sendWithCredential(res, 201, outcome);
  });

  router.get('/v1/terminals', async (req, res) => {
    const query = req.query as TerminalListQuery;
    const limit = Number(query.limit ?? DEFAULT_LIMIT);
    const filter = terminalListFilter(scopeOf(res), query);
    await waitForHead();
    const docs = await terminals().find(filter, { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 });
    res.json(listPage(docs, limit, createdAtAndId, terminalView));
  });

  router.get('/v1/terminals/stats', async (_req, res) => {
    const scope = scopeOf(res);
    if (scope.terminalId) {
      throw new ApiError(
        403,
        'permission_error',
        'operator_credential_required',
        "a terminal's own credential cannot read fleet statistics",
      );
    }
    await waitForHead();
    const doc =
      (await deps.readStore
        .collection<TerminalStatsDocument>(TERMINAL_STATS_COLLECTION)
        .findOne({ _id: scope.merchantId })) ?? emptyTerminalStats(scope.merchantId);
    res.json(toResource(doc));
  });

  router.get('/v1/terminals/:id', async (req, res) => {
    const id = idParam(req);
    const scope = scopeOf(res);
    if (scope.terminalId && scope.terminalId !== id) throw terminalNotFound(id);
    // The store's head, not the stream's last event: a terminal's stream is long with heartbeats.
    await waitForHead();
    const doc = await terminals().findOne({ _id: id });
    if (!doc || doc.merchantId !== scope.merchantId) throw terminalNotFound(id);
    sendResource(res, 200, doc);
  });

  router.post('/v1/terminals/:id/health-events', async (req, res) => {
    const result = await service.reportHealth(idParam(req), req.body, scopeOf(res), commandContext(res));
    sendResult(res, 200, result);
  });

  router.put('/v1/terminals/:id/status', async (req, res) => {
    const { result, effective } = await service.changeStatus(
      idParam(req),
      req.body,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    // Recorded, but the terminal's key may still pass for a moment: say so rather than promise it stopped.
    if (!effective) throw readModelLagging();
    sendResult(res, 200, result);
  });

  router.post('/v1/terminals/:id/credentials/rotate', async (req, res) => {
    const outcome = await service.rotateCredential(idParam(req), scopeOf(res), commandContext(res));
    sendWithCredential(res, 200, outcome);
  });

  return router;
};
