import type { Router } from 'express';
import { webhookDeliveryService } from '../commands/webhooks/webhook-delivery.service';
import { webhookSubscriptionService } from '../commands/webhooks/webhook-subscription.service';
import { STANDARD_WEBHOOKS_SCHEDULE_MS } from '../domain/webhook-delivery/retry-schedule';
import { webhookRoutes } from '../http/routes/webhooks.routes';
import type { Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { Metrics } from '../infrastructure/metrics/metrics';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { CheckpointStore } from '../projections/checkpointed-subscription';
import type { ReadModelFreshness } from '../projections/read-model-freshness';
import { publicEventCatalogue } from '../public-events/catalogue';
import { createSecretBox } from '../webhooks/secret-box';
import { systemResolver, type Resolver } from '../webhooks/url-guard';
import { createWebhookSender } from '../webhooks/webhook-sender';
import { startDeliveryReconciler } from '../workers/webhooks/webhook-reconciler';
import { startDeliveryWorker } from '../workers/webhooks/webhook-delivery-worker';
import { WebhookDispatcher } from '../workers/webhooks/webhook-dispatcher';
import { webhookMetrics } from '../workers/webhooks/webhook-metrics';

export { WEBHOOK_DELIVERY_QUEUE } from '../workers/webhooks/delivery-job';
export { DISPATCHER_NAME } from '../workers/webhooks/webhook-dispatcher';

export interface WebhookRuntimeDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
  readStore: ReadStore;
  jobQueue: JobQueue;
  /** Tests resolve names their own way; everything else uses the system resolver. */
  resolve?: Resolver;
}

/** Webhooks' part of the composition: the services, the API router, and the worker-role processes. */
export const webhookRuntime = (deps: WebhookRuntimeDeps) => {
  const { config, logger, clock, eventStore, readStore, jobQueue } = deps;
  const resolve = deps.resolve ?? systemResolver;
  const secretBox = createSecretBox(config.WEBHOOK_SECRET_ENCRYPTION_KEY);
  if (secretBox.developmentKey) {
    logger.warn(
      'WEBHOOK_SECRET_ENCRYPTION_KEY is not set: webhook signing secrets are encrypted with the public development key',
    );
  }
  const urlPolicy = {
    requireHttps: config.EDGEPAY_ENV !== 'development',
    allowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_URLS,
  };
  const schedule = config.WEBHOOK_RETRY_SCHEDULE_MS ?? STANDARD_WEBHOOKS_SCHEDULE_MS;
  const catalogue = publicEventCatalogue;
  const subscriptions = webhookSubscriptionService({
    eventStore,
    clock,
    secretBox,
    urlPolicy,
    resolve,
    catalogue,
    defaultSecretGracePeriodMs: config.WEBHOOK_SECRET_GRACE_HOURS * 3_600_000,
  });
  const deliveries = webhookDeliveryService({ eventStore, clock });

  return {
    router: (options: { freshness: ReadModelFreshness }): Router =>
      webhookRoutes({
        subscriptions,
        deliveries,
        eventStore,
        readStore,
        freshness: options.freshness,
        readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
      }),

    /** The dispatcher (one per deployment, see WEBHOOK_DISPATCHER), the delivery worker and the reconciler. */
    startWorkers: async (options: {
      freshness: ReadModelFreshness;
      /** See WebhookDispatcherOptions.historyAfterReadModelsMs. */
      historyAfterReadModelsMs?: number;
      metrics: Metrics;
      checkpoints: CheckpointStore;
    }) => {
      const sender = createWebhookSender({
        policy: urlPolicy,
        resolve,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        now: () => clock.now().getTime(),
      });
      const worker = startDeliveryWorker({
        jobQueue,
        eventStore,
        readStore,
        clock,
        logger,
        deliveries,
        subscriptions,
        secretBox,
        sender,
        schedule,
        disableAfterMs: config.WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000,
        concurrency: config.WEBHOOK_DELIVERY_CONCURRENCY,
        metrics: webhookMetrics(options.metrics.registry),
      });
      const reconciler = startDeliveryReconciler({
        readStore,
        eventStore,
        jobQueue,
        catalogue,
        clock,
        logger,
        schedule,
        intervalMs: config.WEBHOOK_RECONCILE_INTERVAL_MS,
        graceMs: config.WEBHOOK_RECONCILE_GRACE_MS,
      });
      const dispatcher = config.WEBHOOK_DISPATCHER
        ? new WebhookDispatcher({
            eventStore,
            readStore,
            checkpoints: options.checkpoints,
            jobQueue,
            catalogue,
            deliveries,
            freshness: options.freshness,
            ...(options.historyAfterReadModelsMs === undefined
              ? {}
              : { historyAfterReadModelsMs: options.historyAfterReadModelsMs }),
            logger,
            schedule,
          })
        : undefined;
      await dispatcher?.start();
      return {
        dispatcher,
        close: async () => {
          await dispatcher?.stop();
          await reconciler.close();
          await worker.close();
          sender.close();
        },
      };
    },
  };
};
