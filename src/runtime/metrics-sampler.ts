import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { Metrics } from '../infrastructure/metrics/metrics';
import type { ProjectionRunner } from '../projections/projection-runner';

/** Gauges that are read, not counted: refreshed on an interval rather than on every event. */
export const startMetricsSampler = (deps: {
  metrics: Metrics;
  logger: Logger;
  projector?: ProjectionRunner;
  jobQueue?: JobQueue;
  queues: readonly string[];
  intervalMs: number;
}): { close: () => Promise<void> } => {
  const sample = async () => {
    if (deps.projector) deps.metrics.projectionLag.set((await deps.projector.lag()).behindSeconds);
    if (deps.jobQueue) {
      for (const queue of deps.queues) {
        const counts = await deps.jobQueue.counts(queue);
        deps.metrics.queueDepth.set({ queue, state: 'waiting' }, counts.waiting);
        deps.metrics.queueDepth.set({ queue, state: 'delayed' }, counts.delayed);
        deps.metrics.queueDepth.set({ queue, state: 'failed' }, counts.failed);
      }
    }
  };
  const run = () => sample().catch((error: unknown) => deps.logger.debug('metrics sample failed', { error }));
  const timer = setInterval(run, deps.intervalMs);
  timer.unref();
  void run();
  return { close: async () => clearInterval(timer) };
};
