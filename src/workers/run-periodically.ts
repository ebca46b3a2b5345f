import type { Logger } from '../infrastructure/logging/logger';

/**
 * Runs `task` now and then every `intervalMs`, never two runs at once (a slow sweep is not stacked).
 * A failed run is logged and the next one tries again. `close` stops the timer and waits for a run in
 * progress, so shutdown does not cut a sweep in half.
 */
export const runPeriodically = (
  what: string,
  intervalMs: number,
  logger: Logger,
  task: () => Promise<unknown>,
): { close: () => Promise<void> } => {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = task()
      .then(
        () => undefined,
        (error: unknown) => void logger.warn(`${what} failed`, { error }),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    close: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
