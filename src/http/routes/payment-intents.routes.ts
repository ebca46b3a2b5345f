import { Router, type Request, type Response } from 'express';
import type { CommandContext } from '../../commands/command-context';
import type { CommandResult } from '../../commands/command-handler';
import type { PaymentIntentService } from '../../commands/payment-intents/payment-intent.service';
import { canReach } from '../../commands/access-scope';
import { paymentIntentStreamName } from '../../domain/payment-intent/payment-intent.decider';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { PaymentIntentDocument } from '../../projections/payment-intents/payment-intent.document';
import { paymentIntentFromStream } from '../../projections/payment-intents/payment-intent.projection';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { principalOf } from '../middleware/authenticate';
import { parseIfMatch, sendResource } from '../resource';

export interface PaymentIntentRoutesDeps {
  service: PaymentIntentService;
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

const scopeOf = (principal: Principal) => ({
  merchantId: principal.merchantId,
  ...(principal.terminalId ? { terminalId: principal.terminalId } : {}),
});

export const commandContext = (res: Response): CommandContext => {
  const principal = principalOf(res);
  return {
    correlationId: res.locals.requestId as string,
    actor: { id: principal.credentialId, kind: principal.kind },
    ...(res.locals.idempotency
      ? { idempotency: res.locals.idempotency as CommandContext['idempotency'] }
      : {}),
  };
};

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
    const result = await service.create(req.body, scopeOf(principalOf(res)), commandContext(res));
    const doc = paymentIntentFromStream(result.stream);
    if (doc) res.setHeader('Location', `/v1/payment-intents/${doc.id}`);
    sendResult(res, 201, result);
  });

  router.get('/v1/payment-intents/:id', async (req, res) => {
    const id = idParam(req);
    const stream = await deps.eventStore.readStream(paymentIntentStreamName(id));
    const last = stream.at(-1);
    if (!last) throw notFound(id);
    if (!(await deps.freshness.waitFor(last.position, deps.readYourWritesTimeoutMs))) {
      throw new ApiError(
        503,
        'dependency_error',
        'read_model_lagging',
        'the read model is catching up; retry shortly',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    const doc = await deps.readStore
      .collection<PaymentIntentDocument>('payment_intents')
      .findOne({ _id: id });
    if (!doc || !canReach(scopeOf(principalOf(res)), doc)) throw notFound(id);
    sendResource(res, 200, doc);
  });

  router.post('/v1/payment-intents/:id/authorize', async (req, res) => {
    const { amount, cardPresent, decline } = req.body;
    const result = await service.authorize(
      idParam(req),
      { amount, paymentMethod: { type: 'card_present', ...cardPresent }, ...(decline ? { decline } : {}) },
      scopeOf(principalOf(res)),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResult(res, 200, result);
  });

  router.post('/v1/payment-intents/:id/capture', async (req, res) => {
    const result = await service.capture(
      idParam(req),
      req.body?.amount,
      scopeOf(principalOf(res)),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResult(res, 200, result);
  });

  router.post('/v1/payment-intents/:id/void', async (req, res) => {
    const result = await service.void(
      idParam(req),
      req.body?.reason,
      scopeOf(principalOf(res)),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResult(res, 200, result);
  });

  return router;
};
