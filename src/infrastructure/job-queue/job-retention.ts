/** How long finished jobs are kept, and so how long their ids keep deduplicating new enqueues. */
export interface JobRetention {
  completed: { ageMs: number; count: number };
  failed: { ageMs: number; count: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_JOB_RETENTION: JobRetention = {
  completed: { ageMs: DAY_MS, count: 1000 },
  // Failed jobs are kept longer for investigation; the count bounds memory when a partner is down for days.
  failed: { ageMs: 7 * DAY_MS, count: 10_000 },
};
