/**
 * The Standard Webhooks example schedule: the wait before each attempt, measured from the failure of the
 * one before (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h): ten attempts over
 * about three days.
 */
export const STANDARD_WEBHOOKS_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/** The nominal wait after attempt `attempt` (1-based) failed; undefined when it was the last one. */
export const delayAfterAttempt = (schedule: readonly number[], attempt: number): number | undefined =>
  attempt >= 1 && attempt < schedule.length ? schedule[attempt] : undefined;
