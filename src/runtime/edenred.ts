import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { CommandContext } from '../commands/command-context';
import type { CommandResult } from '../commands/command-handler';
import { edenredAuthorization, type EdenredAuthorization } from '../commands/edenred/edenred-authorization';
import { edenredLinkService, type EdenredLinkService } from '../commands/edenred/edenred-link.service';
import { edenredOrderRefs } from '../commands/edenred/edenred-order-refs';
import type { PaymentIntentService } from '../commands/payment-intents/payment-intent.service';
import type { PaymentIntentState } from '../domain/payment-intent/payment-intent.state';
import { edenredCallbackRoutes, edenredLinkRoutes } from '../http/routes/edenred.routes';
import type { ReadSide } from '../http/read-your-writes';
import type { Clock } from '../infrastructure/clock';
import { ConfigError, type Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { PaymentIntentDocument } from '../projections/payment-intents/payment-intent.document';
import type { EdenredClient } from '../integrations/edenred/edenred-port';
import { createSecretBox } from '../webhooks/secret-box';
import { followChargeCapture, type FollowCaptureDeps } from '../workers/charges/charge-capture';
import type { EdenredCaptureHooks } from '../workers/edenred/edenred-capture-job';
import { edenredCaptureMetrics } from '../workers/edenred/edenred-capture-metrics';
import {
  EDENRED_CAPTURE_QUEUE,
  edenredCaptureKicker,
  startEdenredCaptureWorkers,
} from '../workers/edenred/edenred-capture-process';

export const EDENRED_QUEUES = [EDENRED_CAPTURE_QUEUE] as const;

export interface EdenredRuntimeDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
  readStore: ReadStore;
  jobQueue: JobQueue;
  /** Injected: the Direct Payment client (or, in tests, a fake of the port). */
  client: EdenredClient;
  roles: readonly string[];
  /** The payment intents, once they exist (they take the link service, so they are made after it). */
  paymentIntents: () => PaymentIntentService;
  hooks?: EdenredCaptureHooks;
  metricsRegistry?: Registry;
  /** The charges, once they exist: a charge paid by an intent follows its capture's outcome. */
  charges?: () => FollowCaptureDeps['charges'];
}

export interface EdenredRuntime {
  links: EdenredLinkService;
  authorization: () => EdenredAuthorization;
  /** For the payment intent service: queues the capture as soon as an intent becomes capture_pending. */
  onIntentChanged?: (result: CommandResult<PaymentIntentState, unknown>) => void;
  routers(read: ReadSide): Router[];
  partnerRouters(): Router[];
  startWorkers(): { close: () => Promise<void> };
}

/** The Edenred payment flow's wiring; the gateway builds it only when an Edenred client is given. */
export const edenredRuntime = (deps: EdenredRuntimeDeps): EdenredRuntime => {
  const { config, logger, clock, eventStore, jobQueue, client, charges } = deps;
  const secretBox = createSecretBox(config.EDENRED_TOKEN_ENCRYPTION_KEY);
  if (secretBox.developmentKey) {
    if (config.EDGEPAY_ENV === 'production') {
      throw new ConfigError(
        'EDENRED_TOKEN_ENCRYPTION_KEY is required in production: it encrypts Edenred tokens',
      );
    }
    logger.warn(
      'EDENRED_TOKEN_ENCRYPTION_KEY is not set: Edenred tokens are encrypted with the development key',
    );
  }
  if (config.EDGEPAY_ENV === 'production' && !config.EDENRED_CALLBACK_URL) {
    throw new ConfigError('EDENRED_CALLBACK_URL is required in production: Edenred redirects users there');
  }
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  const links = edenredLinkService({
    eventStore,
    clock,
    client,
    secretBox,
    logger,
    redirectUri: config.EDENRED_CALLBACK_URL ?? `${base}/v1/edenred/callback`,
    postLogoutRedirectUri: config.EDENRED_LOGOUT_REDIRECT_URL ?? `${base}/`,
    refreshMarginMs: config.EDENRED_REFRESH_MARGIN_SECONDS * 1000,
    loadPaymentIntent: async (id) => (await deps.paymentIntents().load(id)).state,
    pendingCaptures: (linkId) =>
      deps.readStore
        .collection<PaymentIntentDocument>('payment_intents')
        .countDocuments({ 'edenred.linkId': linkId, status: 'capture_pending' }),
  });
  const orderRefs = edenredOrderRefs({ eventStore, clock, first: config.EDENRED_ORDER_REF_START });
  // An API-only process on the in-process queue has no worker to run what it would queue.
  const canQueue = deps.roles.includes('worker') || config.REDIS_URL !== undefined;
  return {
    links,
    authorization: () => edenredAuthorization({ client, links, paymentIntents: deps.paymentIntents() }),
    ...(canQueue ? { onIntentChanged: edenredCaptureKicker({ jobQueue, logger }) } : {}),
    routers: (read) => [edenredLinkRoutes({ ...read, links })],
    partnerRouters: () => [edenredCallbackRoutes({ links })],
    startWorkers: () =>
      startEdenredCaptureWorkers({
        client,
        links,
        paymentIntents: deps.paymentIntents(),
        orderRefs,
        clock,
        logger,
        jobQueue,
        readStore: deps.readStore,
        sweepIntervalMs: config.EDENRED_CAPTURE_SWEEP_INTERVAL_MS,
        attentionAfterMs: config.EDENRED_CAPTURE_ATTENTION_AFTER_MINUTES * 60_000,
        ...(deps.metricsRegistry ? { metrics: edenredCaptureMetrics(deps.metricsRegistry) } : {}),
        ...(deps.hooks ? { hooks: deps.hooks } : {}),
        ...(charges
          ? {
              chargeCaptureEnded: (chargeId: string, context: CommandContext) =>
                followChargeCapture(
                  { charges: charges(), paymentIntents: deps.paymentIntents() },
                  chargeId,
                  context,
                ),
            }
          : {}),
      }),
  };
};
