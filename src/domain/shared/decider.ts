/** A domain event as deciders see it: no ids, positions or metadata, just what happened. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

/**
 * An aggregate as three pure functions (see docs/decisions/0002-deciders.md).
 * `decide` throws a DomainError for a command the state does not allow; it returns [] for a no-op.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
}

export const fold = <State, Event extends DomainEvent>(
  evolve: (state: State, event: Event) => State,
  initial: State,
  events: readonly Event[],
): State => events.reduce(evolve, initial);
