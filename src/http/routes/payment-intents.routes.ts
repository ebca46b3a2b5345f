import { Router, type Request, type Response } from 'express';
import type { CommandResult } from '../../commands/command-handler';
import type { PaymentIntentService } from '../../commands/payment-intents/payment-intent.service';
import { canReach } from '../../commands/access-scope';
import { paymentIntentStreamName } from '../../domain/payment-intent/payment-intent.decider';
import type { PaymentIntentDocument } from '../../projections/payment-intents/payment-intent.document';
import { paymentIntentFromStream } from '../../projections/payment-intents/payment-intent.projection';
import { ApiError } from '../errors/api-error';
import { commandContext, scopeOf } from '../request-context';
import { freshDocument, type ReadSide } from '../read-your-writes';
import { parseIfMatch, sendResource } from '../resource';

export interface PaymentIntentRoutesDeps extends ReadSide {
  service: PaymentIntentService;
}

const notFound = (id: string) =>
  new ApiError(404, 'not_found_error', 'payment_intent_not_found', `no payment intent ${id}`);

/** Command answers are rendered from the stream with the projection's own function: no wait needed. */
const sendResult = (res: Response, status: number, result: CommandResult<unknown>): void => {
  const doc = paymentIntentFromStream(result.stream);
  if (!doc) throw new Error('a payment intent command left no payment intent');
  sendResource(res, status, doc);
};

const idParam = (req: Request): string => req.params.id as string;

export const paymentIntentRoutes = (deps: PaymentIntentRoutesDeps): Router => {
  const router = Router();
  const { service } = deps;

  router.post('/v1/payment-intents', async (req, res) => {
    const result = await service.create(req.body, scopeOf(res), commandContext(res));
    const doc = paymentIntentFromStream(result.stream);
    if (doc) res.setHeader('Location', `/v1/payment-intents/${doc.id}`);
    sendResult(res, 201, result);
  });

  router.get('/v1/payment-intents/:id', async (req, res) => {
    const id = idParam(req);
    const doc = await freshDocument<PaymentIntentDocument>(
      deps,
      paymentIntentStreamName(id),
      'payment_intents',
      id,
    );
    if (!doc || !canReach(scopeOf(res), doc)) throw notFound(id);
    sendResource(res, 200, doc);
  });

  router.post('/v1/payment-intents/:id/authorize', async (req, res) => {
    const { amount, cardPresent, decline } = req.body;
    const result = await service.authorize(
      idParam(req),
      { amount, paymentMethod: { type: 'card_present', ...cardPresent }, ...(decline ? { decline } : {}) },
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResult(res, 200, result);
  });

  router.post('/v1/payment-intents/:id/capture', async (req, res) => {
    const result = await service.capture(
      idParam(req),
      req.body?.amount,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResult(res, 200, result);
  });

  router.post('/v1/payment-intents/:id/void', async (req, res) => {
    const result = await service.void(
      idParam(req),
      req.body?.reason,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResult(res, 200, result);
  });

  return router;
};
