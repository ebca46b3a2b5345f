import type { SessionUsage, UsagePeriod } from '../../../src/domain/tariff/session-segments';

export interface Stretch {
  minutes: number;
  /** Energy in the stretch; 0 or absent is parking. */
  kwh?: number;
  powerKw?: number;
  currentA?: number;
}

/** Contiguous periods from `startAt`, one per stretch: how a test describes a session. */
export const usage = (startAt: string, stretches: readonly Stretch[]): SessionUsage => {
  let at = Date.parse(startAt);
  const periods: UsagePeriod[] = stretches.map(({ minutes, kwh = 0, powerKw, currentA }) => {
    const startMs = at;
    at += Math.round(minutes * 60_000);
    return {
      startAt: new Date(startMs).toISOString(),
      endAt: new Date(at).toISOString(),
      energyWh: Math.round(kwh * 1000),
      ...(powerKw === undefined ? {} : { powerKw }),
      ...(currentA === undefined ? {} : { currentA }),
    };
  });
  return { startedAt: new Date(Date.parse(startAt)).toISOString(), periods };
};
