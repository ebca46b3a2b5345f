/**
 * The one reader of RFC 3339 date-times for the whole API. It refuses what `Date` cannot hold exactly
 * (a leap second `:60`, `2026-02-30`, hour 24), which a pattern-only check lets through and `new Date`
 * then turns into an Invalid Date or silently into another day. Offsets are valid input; every accepted
 * value is normalized to UTC (`...Z`), the only form events and read models carry.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;

export const parseDateTime = (text: string): Date | undefined => {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const [offsetHours, offsetMinutes] = [Number(match[9] ?? 0), Number(match[10] ?? 0)];
  const inRange =
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysIn(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!inRange) return undefined;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
};

export const isDateTime = (text: string): boolean => parseDateTime(text) !== undefined;

/** Only called on values `isDateTime` accepted. */
export const toUtcDateTime = (text: string): string => {
  const parsed = parseDateTime(text);
  if (!parsed) throw new Error('must be an RFC 3339 date-time');
  return parsed.toISOString();
};
