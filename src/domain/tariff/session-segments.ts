import { DAY_MS, offsetChanges, timeOfDayMs, utcOffsetMs } from './local-time';
import {
  add,
  compare,
  decimal,
  div,
  floor,
  int,
  isZero,
  lt,
  mul,
  ratio,
  sub,
  ZERO,
  type Rational,
} from './rational';
import type { TariffDefinition } from './tariff.model';
import type { RestrictionContext } from './tariff-restrictions';

/** A stretch of metered session: the charging periods the gateway records between meter readings. */
export interface UsagePeriod {
  startAt: string;
  endAt: string;
  /** Energy delivered in the period, Wh; 0 means the EV was connected but not charging (parking). */
  energyWh: number;
  /** As reported; when absent, the period's average power is used. */
  powerKw?: number;
  currentA?: number;
}

export interface SessionUsage {
  /** When the session started; duration restrictions count from here. */
  startedAt: string;
  /** Contiguous and in order. */
  periods: readonly UsagePeriod[];
}

/** A piece of a period within which no restriction can change, so one price per dimension applies. */
export interface Segment {
  context: RestrictionContext;
  charging: boolean;
  durationMs: Rational;
  energyWh: Rational;
}

const HOUR_MS = int(3_600_000);

/** Local times of day at which some element's restrictions may start or stop applying. */
const timesOfDay = (tariff: Pick<TariffDefinition, 'elements'>): number[] => {
  const times = new Set<number>([0]);
  for (const { restrictions } of tariff.elements) {
    if (restrictions?.startTime) times.add(timeOfDayMs(restrictions.startTime));
    if (restrictions?.endTime) times.add(timeOfDayMs(restrictions.endTime));
  }
  return [...times];
};

const thresholds = (tariff: Pick<TariffDefinition, 'elements'>) => {
  const energyWh: Rational[] = [];
  const elapsedMs: number[] = [];
  for (const { restrictions } of tariff.elements) {
    for (const kwh of [restrictions?.minKwh, restrictions?.maxKwh]) {
      if (kwh !== undefined) energyWh.push(mul(decimal(kwh), int(1000)));
    }
    for (const seconds of [restrictions?.minDuration, restrictions?.maxDuration]) {
      if (seconds !== undefined) elapsedMs.push(seconds * 1000);
    }
  }
  return { energyWh, elapsedMs };
};

/** UTC instants in (from, to) where local midnight or a restriction's time of day passes. */
const localBoundaries = (timeZone: string, from: number, to: number, times: readonly number[]): number[] => {
  const edges = [from, ...offsetChanges(timeZone, from, to), to];
  const found: number[] = [...edges.slice(1, -1)];
  for (let index = 0; index + 1 < edges.length; index++) {
    const start = edges[index] as number;
    const end = edges[index + 1] as number;
    const offset = utcOffsetMs(timeZone, start);
    const firstDay = Math.floor((start + offset) / DAY_MS);
    const lastDay = Math.floor((end + offset) / DAY_MS);
    for (let day = firstDay; day <= lastDay; day++) {
      for (const time of times) {
        const utc = day * DAY_MS + time - offset;
        if (utc > start && utc < end) found.push(utc);
      }
    }
  }
  return found;
};

/** What cutting a period needs from the tariff and the session, computed once per pricing. */
export interface SegmentPlan {
  sessionStart: number;
  times: number[];
  limits: ReturnType<typeof thresholds>;
  timeZone: string;
}

export const segmentPlan = (
  tariff: Pick<TariffDefinition, 'elements'>,
  startedAt: string,
  timeZone: string,
): SegmentPlan => ({
  sessionStart: Date.parse(startedAt),
  times: timesOfDay(tariff),
  limits: thresholds(tariff),
  timeZone,
});

/**
 * Cuts one period at every instant where a restriction could change (local times of day, midnight,
 * daylight-saving changes, duration and energy thresholds). Energy inside a period is spread evenly over
 * its time, exactly (rationals), so a cut at 17:00 splits the period's energy in proportion. A period
 * depends on those before it only through the energy metered before it, so a session can be cut (and
 * priced) one period at a time.
 */
export const periodSegments = (
  plan: SegmentPlan,
  period: UsagePeriod,
  energyBefore: Rational,
): { segments: Segment[]; energyAfter: Rational } => {
  const { sessionStart, times, limits, timeZone } = plan;
  const segments: Segment[] = [];
  let energySoFar = energyBefore;
  const from = Date.parse(period.startAt);
  const to = Date.parse(period.endAt);
  if (to <= from) return { segments, energyAfter: energySoFar };
  const length = int(to - from);
  const energy = int(period.energyWh);
  const power =
    period.powerKw === undefined
      ? div(mul(energy, HOUR_MS), mul(length, int(1000)))
      : decimal(period.powerKw);
  const current = period.currentA === undefined ? undefined : decimal(period.currentA);

  const cuts: Rational[] = [
    ...localBoundaries(timeZone, from, to, times).map((ms) => int(ms)),
    ...limits.elapsedMs.map((ms) => int(sessionStart + ms)),
  ];
  if (!isZero(energy)) {
    for (const threshold of limits.energyWh) {
      const share = div(sub(threshold, energySoFar), energy);
      cuts.push(add(int(from), mul(length, share)));
    }
  }
  const inside = cuts
    .filter((cut) => lt(int(from), cut) && lt(cut, int(to)))
    .sort(compare)
    .filter((cut, index, sorted) => index === 0 || compare(cut, sorted[index - 1] as Rational) !== 0);

  const points = [int(from), ...inside, int(to)];
  for (let index = 0; index + 1 < points.length; index++) {
    const start = points[index] as Rational;
    const end = points[index + 1] as Rational;
    const durationMs = sub(end, start);
    const energyWh = mul(energy, div(durationMs, length));
    const startMs = Number(floor(start));
    segments.push({
      context: {
        localMs: startMs + utcOffsetMs(timeZone, startMs),
        energyWh: energySoFar,
        elapsedMs: sub(start, int(sessionStart)),
        powerKw: power,
        ...(current === undefined ? {} : { currentA: current }),
      },
      charging: !isZero(energy),
      durationMs,
      energyWh,
    });
    energySoFar = add(energySoFar, energyWh);
  }
  return { segments, energyAfter: energySoFar };
};

/** Where nothing was metered yet: the session's first instant, for the flat fee. */
export const startContext = (usage: SessionUsage, timeZone: string): RestrictionContext => {
  const start = Date.parse(usage.startedAt);
  return {
    localMs: start + utcOffsetMs(timeZone, start),
    energyWh: ZERO,
    elapsedMs: ZERO,
    powerKw: ratio(0n),
  };
};
