import { Router, type Request, type Response } from 'express';
import type { CommandResult } from '../../commands/command-handler';
import type { PaymentIntentService } from '../../commands/payment-intents/payment-intent.service';
import { canReach, type AccessScope } from '../../commands/access-scope';
import type { CommandContext } from '../../commands/command-context';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';
import type { CardPresentPaymentMethod } from '../../domain/payment-intent/payment-intent.events';
import { paymentIntentStreamName } from '../../domain/payment-intent/payment-intent.decider';
import type { PaymentIntentDocument } from '../../projections/payment-intents/payment-intent.document';
import type { Filter } from '../../infrastructure/read-store/read-store';
import { ApiError } from '../errors/api-error';
import type { EdenredAuthorization } from '../../commands/edenred/edenred-authorization';
import { commandContext, scopeOf } from '../request-context';
import { createdAtAndId, listPage, merchantListFilter } from '../pagination';
import { freshDocument, type ReadSide } from '../read-your-writes';
import { parseIfMatch, sendResource, toResource } from '../resource';

export interface PaymentIntentRoutesDeps extends ReadSide {
  service: PaymentIntentService;
  /** Present when Edenred is configured: authorizes an edenred intent against the wallet's balance. */
  edenred?: Pick<EdenredAuthorization, 'authorize'>;
}

const notFound = (id: string) =>
  new ApiError(404, 'not_found_error', 'payment_intent_not_found', `no payment intent ${id}`);

/** Command answers are rendered with the projection's own function (the handler's view): no wait needed. */
const sendResult = (res: Response, status: number, result: Result): void => {
  const doc = result.view;
  if (!doc) throw new Error('a payment intent command left no payment intent');
  sendResource(res, status, doc);
};

const idParam = (req: Request): string => req.params.id as string;

const DEFAULT_LIMIT = 20;

const listFilter = (req: Request, res: Response): Filter =>
  merchantListFilter(scopeOf(res), req.query as Record<string, string | undefined>, ['terminalId', 'status']);

type Result = CommandResult<PaymentIntentState, PaymentIntentDocument>;
type CommandRest = [scope: AccessScope, context: CommandContext, expectedVersion: number | undefined];
interface AuthorizeBody {
  amount: number;
  /** Absent for an Edenred intent: the gateway asks Edenred what can be spent. */
  cardPresent?: Omit<CardPresentPaymentMethod, 'type'>;
  /** An Edenred intent created without its link: the link started bound to it. */
  edenredLinkId?: string;
  decline?: { code: string; message: string };
}

export const paymentIntentRoutes = (deps: PaymentIntentRoutesDeps): Router => {
  const router = Router();
  const { service } = deps;

  router.post('/v1/payment-intents', async (req, res) => {
    const result = await service.create(req.body, scopeOf(res), commandContext(res));
    const doc = result.view;
    if (doc) res.setHeader('Location', `/v1/payment-intents/${doc.id}`);
    sendResult(res, 201, result);
  });

  router.get('/v1/payment-intents', async (req, res) => {
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const docs = await deps.readStore
      .collection<PaymentIntentDocument>('payment_intents')
      .find(listFilter(req, res), { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 });
    res.json(listPage(docs, limit, createdAtAndId, toResource));
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

  /** A command on one existing intent: id from the path, scope and context from the credential. */
  const onIntent = <Body>(
    path: string,
    run: (id: string, body: Body, ...rest: CommandRest) => Promise<Result>,
  ) =>
    router.post(`/v1/payment-intents/:id/${path}`, async (req, res) => {
      // The body was validated against the contract before it got here.
      const body = (req.body ?? {}) as Body;
      const rest: CommandRest = [scopeOf(res), commandContext(res), parseIfMatch(req.get('if-match'))];
      sendResult(res, 200, await run(idParam(req), body, ...rest));
    });

  onIntent<AuthorizeBody>('authorize', (id, { amount, cardPresent, decline, edenredLinkId }, ...rest) => {
    if (!cardPresent) {
      if (!deps.edenred || decline) {
        throw new ApiError(400, 'invalid_request_error', 'card_present_required', 'cardPresent is required', {
          param: 'cardPresent',
        });
      }
      return deps.edenred.authorize(id, { amount, ...(edenredLinkId ? { edenredLinkId } : {}) }, ...rest);
    }
    if (edenredLinkId) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'edenred_link_unexpected',
        'send cardPresent or edenredLinkId, not both',
        {
          param: 'edenredLinkId',
        },
      );
    }
    return service.authorize(
      id,
      { amount, paymentMethod: { type: 'card_present', ...cardPresent }, ...(decline ? { decline } : {}) },
      ...rest,
    );
  });
  onIntent<{ amount?: number }>('capture', (id, { amount }, ...rest) => service.capture(id, amount, ...rest));
  onIntent<{ reason?: string }>('void', (id, { reason }, ...rest) => service.void(id, reason, ...rest));

  return router;
};
