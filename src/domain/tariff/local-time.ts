/**
 * Tariff restrictions speak local time (the charge point's time zone). These helpers turn UTC instants
 * into local wall-clock fields with the platform's time-zone database: deterministic, no clock read.
 */
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

export const isValidTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
};

// Pricing a session asks for the offsets of the same instants again at every reading (each period's
// bounds, the hourly probes); formatToParts is by far the dearest step, and its answer never changes.
const OFFSETS_KEPT = 100_000;
const offsets = new Map<string, number>();

/** Local wall-clock time minus UTC at this instant, in ms (Europe/Istanbul: +3 h). Whole seconds. */
export const utcOffsetMs = (timeZone: string, utcMs: number): number => {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const key = `${timeZone} ${whole}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const offset = computeOffsetMs(timeZone, whole);
  if (offsets.size >= OFFSETS_KEPT) offsets.clear();
  offsets.set(key, offset);
  return offset;
};

const computeOffsetMs = (timeZone: string, whole: number): number => {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(whole))
      .map((part) => [part.type, part.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return local - whole;
};

/**
 * The instants in (fromMs, toMs) where the zone's offset changes (daylight saving), found by bisection
 * to the millisecond. Checked hourly, which no real zone undercuts.
 */
export const offsetChanges = (timeZone: string, fromMs: number, toMs: number): number[] => {
  const changes: number[] = [];
  const HOUR = 3_600_000;
  let previous = fromMs;
  let previousOffset = utcOffsetMs(timeZone, fromMs);
  for (let probe = Math.min(fromMs + HOUR, toMs); previous < toMs; probe = Math.min(probe + HOUR, toMs)) {
    const offset = utcOffsetMs(timeZone, probe);
    if (offset !== previousOffset) {
      let low = previous;
      let high = probe;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (utcOffsetMs(timeZone, middle) === previousOffset) low = middle;
        else high = middle;
      }
      if (high > fromMs && high < toMs) changes.push(high);
    }
    previous = probe;
    previousOffset = offset;
  }
  return changes;
};

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;

/** Fields of a local time given as ms since the epoch on the local wall clock. */
export const localFields = (localMs: number) => {
  const day = Math.floor(localMs / DAY_MS);
  return {
    /** YYYY-MM-DD, comparable as a string. */
    date: new Date(day * DAY_MS).toISOString().slice(0, 10),
    /** 1970-01-01 was a Thursday. */
    dayOfWeek: WEEKDAYS[(((day + 4) % 7) + 7) % 7] as (typeof WEEKDAYS)[number],
    /** ms since local midnight. */
    timeOfDayMs: localMs - day * DAY_MS,
  };
};

/** `"17:30"` -> ms after midnight. */
export const timeOfDayMs = (hhmm: string): number =>
  Number(hhmm.slice(0, 2)) * 3_600_000 + Number(hhmm.slice(3, 5)) * MINUTE_MS;

/** `"2026-01-15"` -> local ms of its midnight. */
export const localDateMs = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);
