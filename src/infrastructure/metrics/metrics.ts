import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process (or per test app), so tests don't share counters. */
export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventStoreAppendDuration: new Histogram({
      name: 'event_store_append_duration_seconds',
      help: 'Event store append latency',
      labelNames: ['outcome'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers: [registry],
    }),
    projectionLag: new Gauge({
      name: 'projection_lag_seconds',
      help: 'How long the oldest event not yet applied to the read models has waited',
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs waiting or delayed, per queue',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    commandOutcomes: new Counter({
      name: 'commands_total',
      help: 'Command appends by aggregate and outcome (appended, conflict: a concurrent writer won, error)',
      labelNames: ['aggregate', 'outcome'] as const,
      registers: [registry],
    }),
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
