import { invalid } from '../domain/shared/domain-error';
import type { Filter } from '../infrastructure/read-store/read-store';

/** Cursors are opaque to clients: base64url of the last item's sort key. */
export const encodeCursor = (key: readonly string[]): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** The sort key a cursor carries; a cursor this API did not give is a 400. */
export const decodeCursor = (cursor: string, length: number): string[] => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === length &&
      parsed.every((part) => typeof part === 'string')
    ) {
      return parsed as string[];
    }
  } catch {
    // falls through to the refusal
  }
  throw invalid('invalid_cursor', 'cursor: is not a cursor this API gave', 'cursor');
};

/** For lists sorted newest first by (createdAt, _id): the items after the cursor's (createdAt, id). */
export const newestFirstAfter = (cursor: string): Filter => {
  const [createdAt, id] = decodeCursor(cursor, 2) as [string, string];
  return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }] };
};

/**
 * The filters every newest-first list shares: `createdFrom` inclusive, `createdTo` exclusive (both
 * validated as date-times by the contract), and the cursor.
 */
export const createdRangeAndCursor = (query: {
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
}): Filter[] => [
  ...(query.createdFrom ? [{ createdAt: { $gte: new Date(query.createdFrom).toISOString() } }] : []),
  ...(query.createdTo ? [{ createdAt: { $lt: new Date(query.createdTo).toISOString() } }] : []),
  ...(query.cursor ? [newestFirstAfter(query.cursor)] : []),
];

/**
 * A merchant's newest-first list of documents owned by a merchant and a terminal: always the caller's
 * merchant; a terminal's credential sees its own terminal's documents only, whatever it asks for; each
 * named query parameter present is an equality on the field of that name.
 */
export const merchantListFilter = (
  scope: { merchantId: string; terminalId?: string },
  query: Record<string, string | undefined>,
  equalityParams: readonly string[],
): Filter => {
  const clauses: Filter[] = [{ merchantId: scope.merchantId }];
  if (scope.terminalId) clauses.push({ terminalId: scope.terminalId });
  for (const param of equalityParams) {
    const value = query[param];
    if (value) clauses.push({ [param]: value });
  }
  return { $and: [...clauses, ...createdRangeAndCursor(query)] };
};

/** `items` holds up to limit + 1 entries: the extra one only says there is more. */
export const listPage = <T, R>(
  items: readonly T[],
  limit: number,
  keyOf: (item: T) => readonly string[],
  render: (item: T) => R,
) => {
  const page = items.slice(0, limit);
  const last = page.at(-1);
  const hasMore = items.length > limit;
  return {
    object: 'list' as const,
    data: page.map(render),
    hasMore,
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
};

export const createdAtAndId = (doc: { createdAt: string; id: string }): readonly string[] => [
  doc.createdAt,
  doc.id,
];
