import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidParameters } from './ocpi-errors';
import { parseOcpiDateTime } from './ocpi-time';

/** A page a sender interface serves (transport_and_format.asciidoc, "Pagination"). */
export interface PageRequest {
  offset: number;
  limit: number;
  dateFrom?: Date;
  dateTo?: Date;
}

/** The query parameter that signs the Link we hand out: the rest of the Link cannot change unnoticed. */
export const PAGE_SIGNATURE = 'page_signature';

const integer = (value: string | undefined, name: string, fallback: number, min: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw invalidParameters(`${name} must be an integer of at least ${min}`);
  return Number(value);
};

const timestamp = (value: string | undefined, name: string): Date | undefined => {
  if (value === undefined) return undefined;
  const parsed = parseOcpiDateTime(value);
  if (!parsed) throw invalidParameters(`${name} must be an OCPI DateTime (UTC)`);
  return parsed;
};

const canonical = (query: Record<string, string | undefined>) =>
  ['offset', 'limit', 'date_from', 'date_to'].map((name) => `${name}=${query[name] ?? ''}`).join('&');

const signatureOf = (secret: Buffer, path: string, query: Record<string, string | undefined>) =>
  createHmac('sha256', secret)
    .update(`${path}?${canonical(query)}`)
    .digest('base64url');

/**
 * Pages with `offset`, `limit` (capped at our `X-Limit`), `date_from` (inclusive), `date_to` (exclusive).
 * A client may ask for any offset itself, as the spec allows; but a request carrying our Link's signature
 * must be that Link unchanged, so a tampered next page (another offset, limit or filter) is refused (2001).
 */
export const pagingFor = (options: { secret: Buffer; maxLimit: number }) => ({
  read(path: string, query: Record<string, string | undefined>): PageRequest {
    const signature = query[PAGE_SIGNATURE];
    if (signature !== undefined) {
      const expected = Buffer.from(signatureOf(options.secret, path, query));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        throw invalidParameters('the page link was altered: follow the Link header as given');
      }
    }
    const dateFrom = timestamp(query.date_from, 'date_from');
    const dateTo = timestamp(query.date_to, 'date_to');
    return {
      offset: integer(query.offset, 'offset', 0, 0),
      limit: Math.min(integer(query.limit, 'limit', options.maxLimit, 1), options.maxLimit),
      ...(dateFrom ? { dateFrom } : {}),
      ...(dateTo ? { dateTo } : {}),
    };
  },

  /** X-Total-Count, X-Limit, and a signed Link to the next page when this one is not the last. */
  headers(baseUrl: string, path: string, page: PageRequest, total: number): Record<string, string> {
    const headers: Record<string, string> = {
      'X-Total-Count': String(total),
      'X-Limit': String(options.maxLimit),
    };
    if (page.offset + page.limit >= total) return headers;
    const query: Record<string, string> = {
      offset: String(page.offset + page.limit),
      limit: String(page.limit),
      ...(page.dateFrom ? { date_from: page.dateFrom.toISOString() } : {}),
      ...(page.dateTo ? { date_to: page.dateTo.toISOString() } : {}),
    };
    const next = new URL(`${baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) next.searchParams.set(name, value);
    next.searchParams.set(PAGE_SIGNATURE, signatureOf(options.secret, path, query));
    return { ...headers, Link: `<${next.href}>; rel="next"` };
  },
});

/** The objects of one page, by `last_updated` within the page's dates, in a stable order. */
export const pageOf = <T extends { last_updated: string }>(all: readonly T[], page: PageRequest) => {
  const matching = all.filter((item) => {
    const updated = new Date(item.last_updated).getTime();
    return (
      (!page.dateFrom || updated >= page.dateFrom.getTime()) &&
      (!page.dateTo || updated < page.dateTo.getTime())
    );
  });
  return { total: matching.length, items: matching.slice(page.offset, page.offset + page.limit) };
};

/** The next page's URL from a Link header, or undefined on the last page. */
export const nextLinkOf = (link: string | null): string | undefined =>
  link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim())?.[1])
    .find((url) => url !== undefined);
