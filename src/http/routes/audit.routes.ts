import { Router, type Request, type Response } from 'express';
import type { KeyObject } from 'node:crypto';
import { latestCheckpoint } from '../../audit/audit-checkpoints';
import { streamMerchant, verifyStream } from '../../audit/audit-trail';
import { invalid } from '../../domain/shared/domain-error';
import type { EventStore, RecordedEvent } from '../../infrastructure/event-store/event-store';
import { hasScope } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { principalOf } from '../middleware/authenticate';
import { decodeCursor, listPage } from '../pagination';

export interface AuditRoutesDeps {
  eventStore: EventStore;
  /** The key checkpoints must be signed with. */
  publicKey: KeyObject;
}

const DEFAULT_LIMIT = 50;

const streamNotFound = (stream: string) =>
  new ApiError(404, 'not_found_error', 'stream_not_found', `no stream ${stream}`);

/** An event as an auditor reads it: who (actor), why (correlation, causation) and its place in the chain. */
const auditEvent = (event: RecordedEvent) => {
  const { actor, correlationId, causationId, idempotencyKey, occurredAt, schemaVersion, previousHash, hash } =
    event.metadata;
  return {
    object: 'audit_event' as const,
    id: event.id,
    streamName: event.streamName,
    revision: event.revision,
    position: String(event.position),
    type: event.type,
    data: event.data,
    actor,
    correlationId,
    causationId: causationId ?? null,
    idempotencyKey: idempotencyKey ?? null,
    occurredAt,
    recordedAt: event.recordedAt,
    schemaVersion,
    previousHash: previousHash ?? null,
    hash: hash ?? null,
  };
};

const revisionCursor = (cursor: string): number => {
  const [revision] = decodeCursor(cursor, 1);
  if (!/^\d+$/.test(revision!))
    throw invalid('invalid_cursor', 'cursor: is not a cursor this API gave', 'cursor');
  return Number(revision);
};

/**
 * The stream's events when the caller may read it. Another merchant's stream answers 404, as one that does
 * not exist, so that stream names cannot be probed.
 */
const readableStream = async (deps: AuditRoutesDeps, res: Response, stream: string) => {
  const events = await deps.eventStore.readStream(stream);
  const principal = principalOf(res);
  const owner = streamMerchant(events[0]);
  if (events.length === 0 || (!hasScope(principal, 'admin') && owner !== principal.merchantId))
    throw streamNotFound(stream);
  return events;
};

/** GET /v1/audit/...: read-only, for auditors (scope audit:read; a merchant's own streams, admin all). */
export const auditRoutes = (deps: AuditRoutesDeps): Router => {
  const router = Router();

  router.get('/v1/audit/streams/:stream/events', async (req: Request, res) => {
    const stream = req.params.stream as string;
    const limit = Number(req.query.limit ?? DEFAULT_LIMIT);
    const after = typeof req.query.cursor === 'string' ? revisionCursor(req.query.cursor) : -1;
    const events = await readableStream(deps, res, stream);
    const page = events.filter((event) => event.revision > after).slice(0, limit + 1);
    res.json(listPage(page, limit, (event) => [String(event.revision)], auditEvent));
  });

  router.get('/v1/audit/verify', async (req, res) => {
    const stream = req.query.stream as string;
    const events = await readableStream(deps, res, stream);
    res.json({
      object: 'audit_verification',
      ...(await verifyStream(deps.eventStore, events, deps.publicKey)),
    });
  });

  router.get('/v1/audit/checkpoints/latest', async (_req, res) => {
    const checkpoint = await latestCheckpoint(deps.eventStore);
    if (!checkpoint)
      throw new ApiError(404, 'not_found_error', 'checkpoint_not_found', 'no checkpoint has been signed yet');
    // The heads name every stream of every merchant: only admin sees them; the signature still covers them.
    const { heads, ...summary } = checkpoint;
    const full = hasScope(principalOf(res), 'admin');
    res.json({ object: 'audit_checkpoint', ...summary, heads: full ? heads : null });
  });

  return router;
};
