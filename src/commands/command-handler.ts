import type { Decider, DomainEvent } from '../domain/shared/decider';
import type { EventCodec } from '../domain/shared/event-codec';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
} from '../infrastructure/event-store/event-store';
import { deterministicUuid, newUuid } from '../infrastructure/ids';
import type { CommandContext } from './command-context';
import { LruCache } from './lru-cache';

export const EVENT_SCHEMA_VERSION = 1;
const MAX_CONFLICT_RETRIES = 3;
/** Streams whose folded state a handler keeps; a stream evicted is folded again from its first event. */
export const DEFAULT_CACHED_STREAMS = 10_000;

/** One aggregate, configured once: its decider, its event codec, and where its streams live. */
export interface AggregateDefinition<State, Command, Event extends DomainEvent, View = never> {
  decider: Decider<State, Command, Event>;
  codec: EventCodec<Event>;
  streamName: (id: string) => string;
  /**
   * The resource document its answers render, folded from the same events by the read model's own
   * evolve, so a response never waits for the projection and always matches a later GET.
   */
  view?: (doc: View | null, event: RecordedEvent) => View | null;
}

/** An aggregate as loaded: state and document after the stream's last event. */
export interface LoadedAggregate<State, View> {
  state: State;
  /** Number of events in the stream: the resource's version and ETag. */
  version: number;
  /** Global position of the stream's last event (what a read-your-writes wait needs); undefined when empty. */
  position: GlobalPosition | undefined;
  view: View | null;
}

export interface CommandResult<State, View = never> extends LoadedAggregate<State, View> {
  /** The events this command appended; [] for a no-op or a retry of a command already applied. */
  appended: RecordedEvent[];
}

export interface CommandOptions<State> {
  /** If-Match: the version the caller saw; PreconditionFailedError when the stream moved on. */
  expectedVersion?: number;
  /** Runs on the loaded state before deciding, e.g. to hide another merchant's resource as absent. */
  guard?: (state: State) => void;
  /**
   * The caller has just made up the id, so the stream is almost surely new: decide on the initial state
   * and append expecting no stream, without reading it first. Only a hint: when the stream exists after
   * all, or the decision on the initial state refuses, the command is loaded and decided as without it.
   * Ignored for a command with an Idempotency-Key (docs/decisions/0042).
   */
  assumeNew?: boolean;
}

export interface LoadOptions {
  byHead?: boolean;
}

export interface CommandHandler<State, Command, View = never> {
  /** Load, decide, append with the exact expected revision; on a lost race, all again (bounded). */
  handle(
    id: string,
    command: Command,
    context: CommandContext,
    options?: CommandOptions<State>,
  ): Promise<CommandResult<State, View>>;
  /**
   * The current state, for a decision that spans aggregates; reads only what the cache has not seen.
   * `byHead`: trusts the cached state when the store's (possibly cached, decision 0026) stream head is
   * where it ends, as `handle` does. Only for a caller whose next step is a `handle` that checks again, or
   * a check that accepts the head cache's bound on other processes' appends, as key revocation does
   * (decisions 0038 and 0042).
   */
  load(id: string, options?: LoadOptions): Promise<LoadedAggregate<State, View>>;
  /** Every event of the stream, for the rare caller that needs history the state does not keep. */
  history(id: string): Promise<RecordedEvent[]>;
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

/** The folded stream a handler caches. `appliedKeys` only grows, as the stream does. */
interface StreamState<State, View> extends LoadedAggregate<State, View> {
  appliedKeys: Set<string>;
}

/** An Idempotency-Key as recorded in an event, scoped to the credential that sent it. */
const appliedKeyOf = (metadata: EventMetadata): string | undefined =>
  metadata.idempotencyKey === undefined ? undefined : `${metadata.actor.id}\u0000${metadata.idempotencyKey}`;

const requestKeyOf = ({ idempotency, actor }: CommandContext): string | undefined =>
  idempotency === undefined ? undefined : `${actor.id}\u0000${idempotency.key}`;

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
 * The command handler of one aggregate (docs/decisions/0018-command-handlers.md). It keeps the folded
 * state of recently used streams, checked against the store's stream head on every command (0026), and
 * reads only the events after the cached revision when the head moved, so a command on a long stream
 * costs what one on a short stream costs. Another process's append to the same file or cluster is seen
 * before deciding, or at the latest by the append's expected revision, and the command is decided again.
 */
export const commandHandlerFor = <
  State,
  Command extends { now: string },
  Event extends DomainEvent,
  View = never,
>(
  eventStore: EventStore,
  aggregate: AggregateDefinition<State, Command, Event, View>,
  options: { cachedStreams?: number } = {},
): CommandHandler<State, Command, View> => {
  const { decider, codec, view } = aggregate;
  const cache = new LruCache<string, StreamState<State, View>>(
    options.cachedStreams ?? DEFAULT_CACHED_STREAMS,
  );
  const empty = (): StreamState<State, View> => ({
    state: decider.initialState(),
    version: 0,
    position: undefined,
    view: null,
    appliedKeys: new Set(),
  });

  const fold = (
    from: StreamState<State, View>,
    events: readonly RecordedEvent[],
  ): StreamState<State, View> => {
    let { state, view: doc } = from;
    for (const recorded of events) {
      state = decider.evolve(state, codec.parse(recorded));
      if (view) doc = view(doc, recorded);
      const key = appliedKeyOf(recorded.metadata);
      if (key !== undefined) from.appliedKeys.add(key);
    }
    const last = events.at(-1);
    return {
      state,
      view: doc,
      version: from.version + events.length,
      position: last?.position ?? from.position,
      appliedKeys: from.appliedKeys,
    };
  };

  /**
   * `byHead`: a cached stream whose head has not moved is used without reading any event. Only for a
   * decision whose append checks the expected revision: a head cached by the store may miss another
   * process's append for a moment (decision 0026), which then costs a conflict and a retry, never a
   * wrong append. Other readers (`load`) read past the cached revision, as before.
   */
  const load = async (streamName: string, byHead = false): Promise<StreamState<State, View>> => {
    const cached = cache.get(streamName);
    // A stream with no events has no head: revision -1, so a cached empty stream is trusted too.
    if (
      cached &&
      byHead &&
      ((await eventStore.streamHead(streamName))?.revision ?? -1) === cached.version - 1
    ) {
      return cached;
    }
    const fresh = await eventStore.readStream(streamName, { fromRevision: cached?.version ?? 0 });
    if (cached && fresh.length === 0) return cached;
    // A gap means the cache cannot be trusted (it never should happen): fold the stream from its start.
    if (cached && fresh[0]?.revision !== cached.version) {
      cache.delete(streamName);
      return load(streamName);
    }
    const loaded = fold(cached ?? empty(), fresh);
    const latest = cache.get(streamName);
    if (!latest || latest.version <= loaded.version) cache.set(streamName, loaded);
    return loaded;
  };

  /**
   * Caches the stream as this append left it, unless the append was not ours at `version` (an earlier
   * identical append replayed) or the cache already moved past it.
   */
  const keepAppended = (
    streamName: string,
    version: number,
    appended: readonly RecordedEvent[],
    next: StreamState<State, View>,
  ): void => {
    if (next.version !== version + appended.length) return;
    const latest = cache.get(streamName);
    if (latest !== undefined && latest.version > version) return;
    for (const recorded of appended) {
      const key = appliedKeyOf(recorded.metadata);
      if (key !== undefined) next.appliedKeys.add(key);
    }
    cache.set(streamName, next);
  };

  const publicView = ({ state, version, position, view: doc }: StreamState<State, View>) => ({
    state,
    version,
    position,
    view: doc,
  });

  return {
    load: async (id, loadOptions: LoadOptions = {}) =>
      publicView(await load(aggregate.streamName(id), loadOptions.byHead === true)),
    history: (id) => eventStore.readStream(aggregate.streamName(id)),

    async handle(id, command, context, commandOptions = {}) {
      const streamName = aggregate.streamName(id);
      const requestKey = requestKeyOf(context);

      /** What the command makes of the stream as loaded: events to append, or nothing to change. */
      const decideOn = (current: StreamState<State, View>): Event[] | 'unchanged' => {
        commandOptions.guard?.(current.state);
        // A retry whose first attempt was appended but never answered: do not apply it twice.
        if (requestKey !== undefined && current.appliedKeys.has(requestKey)) return 'unchanged';
        const { expectedVersion } = commandOptions;
        if (expectedVersion !== undefined && expectedVersion !== current.version) {
          throw new PreconditionFailedError(expectedVersion, current.version);
        }
        const decided = decider.decide(command, current.state).map((event) => codec.parse(event));
        return decided.length === 0 ? 'unchanged' : decided;
      };

      /** Appends at the loaded revision; WrongExpectedRevisionError when the stream moved meanwhile. */
      const append = async (
        current: StreamState<State, View>,
        decided: Event[],
      ): Promise<CommandResult<State, View>> => {
        const { state, version } = current;
        const newEvents = toNewEvents(decided, streamName, version - 1, context, command.now);
        const result = await eventStore.appendToStream(
          streamName,
          newEvents,
          version === 0 ? 'no_stream' : version - 1,
        );
        // The answer is folded from the appended events. Only the store knows each event's own
        // position and time, which neither the decider's state nor a view reads; the stream's last
        // position is the append's. So the folded stream is kept as is and the next command reads
        // back nothing (no JSON parse, schema check or fold of its own writes).
        const appended: RecordedEvent[] = newEvents.map((event, index) => ({
          ...event,
          streamName,
          revision: version + index,
          position: result.position,
          recordedAt: command.now,
        }));
        let doc = current.view;
        if (view) for (const recorded of appended) doc = view(doc, recorded);
        const next: StreamState<State, View> = {
          state: decided.reduce(decider.evolve, state),
          version: result.nextExpectedRevision + 1,
          position: result.position,
          view: doc,
          appliedKeys: current.appliedKeys,
        };
        keepAppended(streamName, version, appended, next);
        return { ...publicView(next), appended };
      };

      /**
       * `assumeNew`: decided on the initial state and appended expecting no stream. Undefined when that
       * does not hold (the stream exists, or the initial state refuses or changes nothing): only a
       * decision on the stream as read may answer then.
       */
      const onAssumedNewStream = async (): Promise<CommandResult<State, View> | undefined> => {
        const current = empty();
        let decided: Event[] | 'unchanged';
        try {
          decided = decideOn(current);
        } catch {
          return undefined;
        }
        if (decided === 'unchanged') return undefined;
        try {
          return await append(current, decided);
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) return undefined;
          throw error;
        }
      };

      // Not with an Idempotency-Key: its event ids are derived from the key, so the store would take a
      // retry's append on the existing stream as the earlier one replayed, and the guess would pass.
      if (
        commandOptions.assumeNew === true &&
        requestKey === undefined &&
        cache.get(streamName) === undefined
      ) {
        const answered = await onAssumedNewStream();
        if (answered) return answered;
      }
      for (let attempt = 0; ; attempt++) {
        const current = await load(streamName, true);
        const decided = decideOn(current);
        if (decided === 'unchanged') return { ...publicView(current), appended: [] };
        try {
          return await append(current, decided);
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          if (commandOptions.expectedVersion !== undefined) {
            const actual = error.actual === 'no_stream' ? 0 : error.actual + 1;
            throw new PreconditionFailedError(commandOptions.expectedVersion, actual);
          }
          if (attempt >= MAX_CONFLICT_RETRIES)
            throw new ConcurrencyConflictError(`gave up on ${streamName} after ${attempt + 1} conflicts`);
        }
      }
    },
  };
};
