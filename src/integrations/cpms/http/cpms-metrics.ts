import { Counter, Histogram, type Registry } from 'prom-client';

export type CpmsCallOutcome =
  | 'success'
  | 'client_error'
  | 'unauthorized'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'circuit_open';

const LABELS = ['adapter', 'operation', 'outcome'] as const;

/** Registered once per registry: every adapter of the process shares the two series. */
export const cpmsMetrics = (registry: Registry) => {
  const requests =
    (registry.getSingleMetric('cpms_requests_total') as Counter<(typeof LABELS)[number]> | undefined) ??
    new Counter({
      name: 'cpms_requests_total',
      help: 'Calls to a CPMS API, by adapter, operation and outcome',
      labelNames: LABELS,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('cpms_request_duration_seconds') as
      Histogram<(typeof LABELS)[number]> | undefined) ??
    new Histogram({
      name: 'cpms_request_duration_seconds',
      help: 'Latency of calls to a CPMS API, by adapter, operation and outcome',
      labelNames: LABELS,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  return {
    observe: (
      labels: { adapter: string; operation: string; outcome: CpmsCallOutcome },
      latencyMs: number,
    ) => {
      requests.inc(labels);
      if (labels.outcome !== 'circuit_open') duration.observe(labels, latencyMs / 1000);
    },
  };
};

export type CpmsMetrics = ReturnType<typeof cpmsMetrics>;
