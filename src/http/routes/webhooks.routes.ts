import { Router, type Request, type Response } from 'express';
import type { CommandResult } from '../../commands/command-handler';
import type { WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
import type { WebhookSubscriptionService } from '../../commands/webhooks/webhook-subscription.service';
import { conflict, DomainError, forbidden, invalid } from '../../domain/shared/domain-error';
import { webhookSubscriptionStreamName } from '../../domain/webhook-subscription/webhook-subscription.decider';
import type { EventStore, GlobalPosition } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { WebhookDeliveryDocument } from '../../projections/webhooks/webhook-delivery.document';
import { WEBHOOK_DELIVERIES } from '../../projections/webhooks/webhook-delivery.projection';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { WEBHOOK_SUBSCRIPTIONS } from '../../projections/webhooks/webhook-subscription.projection';
import { ApiError } from '../errors/api-error';
import { principalOf } from '../middleware/authenticate';
import { etagOf, parseIfMatch } from '../resource';
import { commandContext, scopeOf } from '../request-context';
import { readModelLagging } from '../read-your-writes';
import { deliveryView, subscriptionView } from './webhooks.views';
import { createdAtAndId, listPage, newestFirstAfter } from '../pagination';

export interface WebhookRoutesDeps {
  subscriptions: WebhookSubscriptionService;
  deliveries: WebhookDeliveryService;
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

const BASE = '/api/v1/webhooks';
const DEFAULT_LIMIT = 20;
/** One replay request re-sends at most this many deliveries; `hasMore` says to ask again. */
const MAX_REPLAY = 1000;

const notFound = (id: string) =>
  new ApiError(404, 'not_found_error', 'webhook_subscription_not_found', `no webhook subscription ${id}`);

const idParam = (req: Request): string => req.params.id as string;

export const webhookRoutes = (deps: WebhookRoutesDeps): Router => {
  const router = Router();
  const { subscriptions, deliveries } = deps;
  // Subscriptions and their deliveries are the merchant's, not any one terminal's.
  router.use(BASE, (_req, res, next) => {
    if (principalOf(res).terminalId === undefined) return next();
    next(forbidden('terminal_credential', 'a terminal credential cannot manage webhooks'));
  });
  const subscriptionDocs = () =>
    deps.readStore.collection<WebhookSubscriptionDocument>(WEBHOOK_SUBSCRIPTIONS);
  const deliveryDocs = () => deps.readStore.collection<WebhookDeliveryDocument>(WEBHOOK_DELIVERIES);

  const waitFor = async (position: GlobalPosition | undefined): Promise<void> => {
    if (position === undefined) return;
    if (!(await deps.freshness.waitFor(position, deps.readYourWritesTimeoutMs))) throw readModelLagging();
  };
  /** Lists show every acknowledged write: wait until the read model has what the store held when asked. */
  const waitForHead = async () => waitFor(await deps.eventStore.headPosition());

  /** The subscription as of its last event (read-your-writes), if this merchant's. */
  const reachable = async (res: Response, id: string): Promise<WebhookSubscriptionDocument> => {
    const head = await deps.eventStore.streamHead(webhookSubscriptionStreamName(id));
    if (!head) throw notFound(id);
    await waitFor(head.position);
    const doc = await subscriptionDocs().findOne({ _id: id });
    if (!doc || doc.merchantId !== scopeOf(res).merchantId) throw notFound(id);
    return doc;
  };

  const requireActive = (doc: WebhookSubscriptionDocument): void => {
    if (doc.status !== 'active') {
      throw conflict('webhook_subscription_not_active', `the webhook subscription is ${doc.status}`);
    }
  };

  /** Command answers come from the stream (no wait); delivery health, which no command sets, from the read model. */
  const sendResult = async (
    res: Response,
    status: number,
    result: CommandResult<unknown, WebhookSubscriptionDocument>,
    extra: Record<string, unknown> = {},
  ): Promise<void> => {
    const doc = result.view;
    if (!doc) throw new Error('a webhook subscription command left no subscription');
    const stored = await subscriptionDocs().findOne({ _id: doc._id });
    const view = { ...subscriptionView(doc), deliveryHealth: stored?.deliveryHealth ?? doc.deliveryHealth };
    res.setHeader('ETag', etagOf(doc.version));
    res.status(status).json({ ...view, ...extra });
  };

  router.post(BASE, async (req, res) => {
    const { url, eventTypes, description } = req.body;
    const result = await subscriptions.create(
      { url, eventTypes, description },
      scopeOf(res),
      commandContext(res),
    );
    const id = result.view?.id;
    if (id) res.setHeader('Location', `${BASE}/${id}`);
    await sendResult(res, 201, result, { secret: result.secret });
  });

  router.get(BASE, async (req, res) => {
    await waitForHead();
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const docs = await subscriptionDocs().find(
      {
        merchantId: scopeOf(res).merchantId,
        ...(typeof req.query.status === 'string' ? { status: req.query.status } : {}),
        ...(typeof req.query.cursor === 'string' ? newestFirstAfter(req.query.cursor) : {}),
      },
      { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 },
    );
    res.json(listPage(docs, limit, createdAtAndId, subscriptionView));
  });

  router.get(`${BASE}/:id`, async (req, res) => {
    const doc = await reachable(res, idParam(req));
    res.setHeader('ETag', etagOf(doc.version));
    res.json(subscriptionView(doc));
  });

  router.put(`${BASE}/:id`, async (req, res) => {
    const { url, eventTypes, description, status } = req.body;
    const result = await subscriptions.update(
      idParam(req),
      { url, eventTypes, description, status },
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    await sendResult(res, 200, result);
  });

  router.delete(`${BASE}/:id`, async (req, res) => {
    const result = await subscriptions.deactivate(
      idParam(req),
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    await sendResult(res, 200, result);
  });

  router.post(`${BASE}/:id/rotate-secret`, async (req, res) => {
    const hours = req.body?.gracePeriodHours as number | undefined;
    const result = await subscriptions.rotateSecret(
      idParam(req),
      hours === undefined ? undefined : hours * 3_600_000,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    await sendResult(res, 200, result, { secret: result.secret });
  });

  router.post(`${BASE}/:id/test`, async (req, res) => {
    const id = idParam(req);
    const test = await subscriptions.requestTest(id, scopeOf(res), commandContext(res));
    res.status(202).json({
      id: test.testId,
      object: 'webhook_test',
      subscriptionId: id,
      eventId: test.eventId,
      eventType: 'webhook_subscription.test',
      deliveryId: test.deliveryId,
      requestedAt: test.requestedAt,
    });
  });

  router.get(`${BASE}/:id/deliveries`, async (req, res) => {
    const id = idParam(req);
    await waitForHead();
    await reachable(res, id);
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const docs = await deliveryDocs().find(
      {
        subscriptionId: id,
        ...(typeof req.query.status === 'string' ? { status: req.query.status } : {}),
        ...(typeof req.query.cursor === 'string' ? newestFirstAfter(req.query.cursor) : {}),
      },
      { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 },
    );
    res.json(listPage(docs, limit, createdAtAndId, deliveryView));
  });

  router.post(`${BASE}/:id/replay`, async (req, res) => {
    const id = idParam(req);
    const { deliveryId, since, until, status } = req.body as {
      deliveryId?: string;
      since?: string;
      until?: string;
      status?: 'failed' | 'all';
    };
    if ((deliveryId === undefined) === (since === undefined)) {
      throw invalid('invalid_replay', 'give either deliveryId or since', deliveryId ? 'since' : 'deliveryId');
    }
    const scope = scopeOf(res);
    const context = commandContext(res);
    requireActive(await reachable(res, id));
    if (deliveryId !== undefined) {
      await deliveries.replay(deliveryId, id, scope.merchantId, context);
      res
        .status(202)
        .json({ object: 'webhook_replay', subscriptionId: id, deliveryIds: [deliveryId], hasMore: false });
      return;
    }
    await waitForHead();
    const settled = status === 'failed' ? ['failed', 'canceled'] : ['succeeded', 'failed', 'canceled'];
    const due = await deliveryDocs().find(
      {
        subscriptionId: id,
        status: { $in: settled },
        createdAt: {
          $gte: new Date(since as string).toISOString(),
          ...(until ? { $lt: new Date(until).toISOString() } : {}),
        },
      },
      { sort: { createdAt: 1, _id: 1 }, limit: MAX_REPLAY + 1 },
    );
    const replayed: string[] = [];
    for (const delivery of due.slice(0, MAX_REPLAY)) {
      try {
        await deliveries.replay(delivery.id, id, scope.merchantId, context);
        replayed.push(delivery.id);
      } catch (error) {
        // Pending since the read model was read: it is being delivered already.
        if (!(error instanceof DomainError && error.code === 'webhook_delivery_pending')) throw error;
      }
    }
    res.status(202).json({
      object: 'webhook_replay',
      subscriptionId: id,
      deliveryIds: replayed,
      hasMore: due.length > MAX_REPLAY,
    });
  });

  return router;
};
