import { Counter, Histogram, type Registry } from 'prom-client';

export type DeliveryOutcome = 'succeeded' | 'failed' | 'no_answer' | 'gone';

/** Registered once per registry: a gateway runs one delivery worker. */
export const webhookMetrics = (registry: Registry) => {
  const existing = registry.getSingleMetric('webhook_delivery_attempts_total');
  const attempts =
    (existing as Counter<'outcome'> | undefined) ??
    new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('webhook_delivery_duration_seconds') as Histogram<'outcome'> | undefined) ??
    new Histogram({
      name: 'webhook_delivery_duration_seconds',
      help: 'Time from sending a webhook to its answer',
      labelNames: ['outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    });
  return {
    observe: (outcome: DeliveryOutcome, latencyMs: number) => {
      attempts.inc({ outcome });
      duration.observe({ outcome }, latencyMs / 1000);
    },
  };
};

export type WebhookMetrics = ReturnType<typeof webhookMetrics>;
