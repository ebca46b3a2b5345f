/**
 * OCPI DateTime (types.asciidoc): RFC 3339 in UTC, `Z` or no zone at all ("the absence of the timezone
 * designator implies a UTC timestamp"), at most string(25), so at most three decimals. An offset, even
 * +00:00, is not an OCPI timestamp.
 */
const OCPI_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z?$/;

export const isOcpiDateTime = (value: string): boolean => {
  const match = OCPI_DATE_TIME.exec(value);
  if (!match) return false;
  const parsed = new Date(value.endsWith('Z') ? value : `${value}Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
};

/** Reads an OCPI timestamp as UTC; undefined when it is not one. */
export const parseOcpiDateTime = (value: string): Date | undefined =>
  isOcpiDateTime(value) ? new Date(value.endsWith('Z') ? value : `${value}Z`) : undefined;

/** What we send: UTC with `Z` and milliseconds (three decimals), as `toISOString` writes it. */
export const ocpiTimestamp = (date: Date): string => date.toISOString();
