import { Counter, type Registry } from 'prom-client';

const NAME = 'edenred_captures_flagged_for_attention_total';

/** Registered once per registry (a gateway runs one capture worker). */
export const edenredCaptureMetrics = (registry: Registry) => {
  const flagged =
    (registry.getSingleMetric(NAME) as Counter | undefined) ??
    new Counter({
      name: NAME,
      help: 'Edenred captures pending longer than EDENRED_CAPTURE_ATTENTION_AFTER_MINUTES, handed to an operator',
      registers: [registry],
    });
  return { flaggedForAttention: () => flagged.inc() };
};

export type EdenredCaptureMetrics = ReturnType<typeof edenredCaptureMetrics>;
