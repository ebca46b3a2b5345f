import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import type { StoredDocument } from '../../src/infrastructure/read-store/read-store';
import type { Projection } from '../../src/projections/projection';

const RECORDED_AT = '2026-01-15T10:00:00.000Z';

/** A RecordedEvent with harmless defaults (revision 0, position 1); `overrides` wins. */
export const recordedEvent = (
  streamName: string,
  type: string,
  data: Record<string, unknown>,
  overrides: Partial<RecordedEvent> = {},
): RecordedEvent => {
  const metadata: EventMetadata = {
    correlationId: 'test-correlation',
    actor: { id: 'test', kind: 'system' },
    occurredAt: RECORDED_AT,
    schemaVersion: 1,
  };
  return {
    id: randomUUID(),
    type,
    data,
    metadata,
    streamName,
    revision: 0,
    position: 1n,
    recordedAt: RECORDED_AT,
    ...overrides,
  };
};

/** The events as a store would record them in this order: positions 1, 2, ... and revisions per stream. */
export const sequenced = (events: readonly RecordedEvent[]): RecordedEvent[] => {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const revision = revisions.get(event.streamName) ?? 0;
    revisions.set(event.streamName, revision + 1);
    return { ...event, revision, position: BigInt(index + 1) };
  });
};

const deepFreeze = <V>(value: V): V => {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
};

/**
 * Folds the events through the projection the way the runner does, into documents by _id.
 * Inputs are frozen, so a projection that mutates the document or the event fails loudly.
 */
export const project = <D extends StoredDocument>(
  projection: Projection<D>,
  events: readonly RecordedEvent[],
): Map<string, D> => {
  const docs = new Map<string, D>();
  for (const event of events) {
    if (!projection.eventTypes.includes(event.type)) continue;
    const id = projection.documentId(event);
    if (id === null) continue;
    const current = docs.get(id);
    const next = projection.evolve(
      current === undefined ? null : deepFreeze(structuredClone(current)),
      deepFreeze(structuredClone(event)),
    );
    if (next === null) {
      docs.delete(id);
      continue;
    }
    assert.equal(next._id, id, `evolve returned _id ${next._id} for document ${id}`);
    docs.set(id, structuredClone(next));
  }
  return docs;
};

const byId = <D extends StoredDocument>(docs: Iterable<D>): D[] =>
  [...docs].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));

/**
 * given(events).then(document) for pure projections. Events are sequenced first (see `sequenced`).
 *   givenProjection(counters).given([opened, incremented]).then({ _id: 'c1', count: 1, ... });
 */
export const givenProjection = <D extends StoredDocument>(projection: Projection<D>) => ({
  given: (events: readonly RecordedEvent[]) => {
    const run = () => project(projection, sequenced(events));
    return {
      /** The document with the expected document's _id equals it. */
      then: (expected: D): void => assert.deepStrictEqual(run().get(expected._id) ?? null, expected),
      thenNoDocument: (id: string): void => assert.equal(run().get(id), undefined, `document ${id} exists`),
      /** All the documents the events produced, in any order. */
      thenDocuments: (expected: readonly D[]): void =>
        assert.deepStrictEqual(byId(run().values()), byId(expected)),
      thenThrows: (error?: RegExp | (new (...args: never[]) => Error)): void =>
        error === undefined ? assert.throws(run) : assert.throws(run, error),
    };
  },
});
