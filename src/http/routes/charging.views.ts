import type { Response } from 'express';
import type { AccessScope } from '../../commands/access-scope';
import { invalid } from '../../domain/shared/domain-error';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore, StoredDocument } from '../../infrastructure/read-store/read-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import { ApiError } from '../errors/api-error';
import { principalOf } from '../middleware/authenticate';

/** Shared by the charges and tariffs routers. */
export interface ReadSide {
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

export const scopeOf = (res: Response): AccessScope => {
  const principal = principalOf(res);
  return {
    merchantId: principal.merchantId,
    ...(principal.terminalId ? { terminalId: principal.terminalId } : {}),
  };
};

/**
 * Read-your-writes for one resource: waits (bounded) until the read model has applied the stream's last
 * event, then reads the document. Undefined when the stream does not exist.
 */
export const freshDocument = async <D extends StoredDocument>(
  deps: ReadSide,
  streamName: string,
  collection: string,
  documentId: string,
): Promise<D | null | undefined> => {
  const last = (await deps.eventStore.readStream(streamName)).at(-1);
  if (!last) return undefined;
  if (!(await deps.freshness.waitFor(last.position, deps.readYourWritesTimeoutMs))) {
    throw new ApiError(
      503,
      'dependency_error',
      'read_model_lagging',
      'the read model is catching up; retry shortly',
      {
        headers: { 'Retry-After': '1' },
      },
    );
  }
  return deps.readStore.collection<D>(collection).findOne({ _id: documentId });
};

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
