import type { Decider, DomainEvent } from '../domain/shared/decider';
import type { EventCodec } from '../domain/shared/event-codec';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../infrastructure/event-store/event-store';
import { deterministicUuid, newUuid } from '../infrastructure/ids';
import type { CommandContext } from './command-context';

export const EVENT_SCHEMA_VERSION = 1;
const MAX_CONFLICT_RETRIES = 3;

export interface Aggregate<State, Command, Event extends DomainEvent> {
  decider: Decider<State, Command, Event>;
  codec: EventCodec<Event>;
}

export interface CommandResult<State> {
  state: State;
  /** Number of events in the stream: the resource's version and ETag. */
  version: number;
  /** The whole stream after the command, so a response can be rendered without waiting for projections. */
  stream: RecordedEvent[];
  appended: RecordedEvent[];
}

/** If-Match did not match the stream's current version. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`expected version ${expectedVersion}, current version is ${actualVersion}`);
  }
}

/** Lost the race for the stream more times than we retry: the caller may retry the request. */
export class ConcurrencyConflictError extends Error {
  override readonly name = 'ConcurrencyConflictError';
}

const toNewEvents = (
  events: readonly DomainEvent[],
  streamName: string,
  revision: number,
  context: CommandContext,
  now: string,
): NewEvent[] =>
  events.map((event, index) => ({
    id: context.idempotency
      ? deterministicUuid(
          context.idempotency.scope,
          context.idempotency.key,
          streamName,
          String(revision),
          String(index),
        )
      : newUuid(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      correlationId: context.correlationId,
      ...(context.causationId ? { causationId: context.causationId } : {}),
      actor: context.actor,
      ...(context.idempotency ? { idempotencyKey: context.idempotency.key } : {}),
      occurredAt: now,
      schemaVersion: EVENT_SCHEMA_VERSION,
    },
  }));

/**
 * A retry whose first attempt was appended but never answered (the process died, or the answer could
 * not be recorded): the stream already holds events carrying this credential's Idempotency-Key.
 */
const alreadyApplied = (stream: readonly RecordedEvent[], { idempotency, actor }: CommandContext): boolean =>
  idempotency !== undefined &&
  stream.some(
    (event) => event.metadata.idempotencyKey === idempotency.key && event.metadata.actor.id === actor.id,
  );

/**
 * Read, fold, decide, append with the exact expected revision. On a lost race the whole cycle is
 * retried against the new state, unless the caller pinned a version with If-Match.
 */
export const handleCommand = async <State, Command extends { now: string }, Event extends DomainEvent>(
  eventStore: EventStore,
  aggregate: Aggregate<State, Command, Event>,
  streamName: string,
  command: Command,
  context: CommandContext,
  options: { expectedVersion?: number; guard?: (state: State) => void } = {},
): Promise<CommandResult<State>> => {
  const { decider, codec } = aggregate;
  for (let attempt = 0; ; attempt++) {
    const stream = await eventStore.readStream(streamName);
    const state = stream
      .map((recorded) => codec.parse(recorded))
      .reduce(decider.evolve, decider.initialState());
    const version = stream.length;
    options.guard?.(state);
    if (alreadyApplied(stream, context)) return { state, version, stream, appended: [] };
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw new PreconditionFailedError(options.expectedVersion, version);
    }
    const decided = decider.decide(command, state).map((event) => codec.parse(event));
    if (decided.length === 0) return { state, version, stream, appended: [] };

    const newEvents = toNewEvents(decided, streamName, version - 1, context, command.now);
    try {
      const result = await eventStore.appendToStream(
        streamName,
        newEvents,
        version === 0 ? 'no_stream' : version - 1,
      );
      const appended: RecordedEvent[] = newEvents.map((event, index) => ({
        ...event,
        streamName,
        revision: version + index,
        position: result.position,
        recordedAt: command.now,
      }));
      return {
        state: decided.reduce(decider.evolve, state),
        version: result.nextExpectedRevision + 1,
        stream: [...stream, ...appended],
        appended,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (options.expectedVersion !== undefined) {
        const actual = error.actual === 'no_stream' ? 0 : error.actual + 1;
        throw new PreconditionFailedError(options.expectedVersion, actual);
      }
      if (attempt >= MAX_CONFLICT_RETRIES)
        throw new ConcurrencyConflictError(`gave up on ${streamName} after ${attempt + 1} conflicts`);
    }
  }
};
