import { invalid } from '../../domain/shared/domain-error';

/** Cursors are opaque to clients: base64url of the last item's sort key. */
export const encodeCursor = (key: readonly string[]): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

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
