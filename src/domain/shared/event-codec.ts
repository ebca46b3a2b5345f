import type { z } from 'zod';
import type { DomainEvent } from './decider';

/** Thrown when a stored event does not match its schema: the stream needs a human, not a retry. */
export class EventSchemaError extends Error {
  override readonly name = 'EventSchemaError';
}

export interface EventCodec<Event extends DomainEvent> {
  readonly eventTypes: readonly Event['type'][];
  handles(type: string): boolean;
  /** Validates the data of a stored or new event against its type's schema. */
  parse(event: { type: string; data: unknown }): Event;
  /**
   * Reads a stored event without validating its data: every event was `parse`d before it was appended
   * (the command handler is the only writer), so projections replaying the log need only the type check.
   */
  decode(event: { type: string; data: unknown }): Event;
}

export const zodEventCodec = <Schemas extends Record<string, z.ZodType<object>>>(schemas: Schemas) => {
  type Event = {
    [Type in keyof Schemas & string]: { type: Type; data: z.infer<Schemas[Type]> };
  }[keyof Schemas & string];
  const codec: EventCodec<Event> = {
    eventTypes: Object.keys(schemas) as Event['type'][],
    handles: (type) => Object.hasOwn(schemas, type),
    parse: ({ type, data }) => {
      const schema = schemas[type];
      if (!schema) throw new EventSchemaError(`unknown event type ${type}`);
      const parsed = schema.safeParse(data);
      if (!parsed.success)
        throw new EventSchemaError(`${type} does not match its schema: ${parsed.error.message}`);
      return { type, data: parsed.data } as Event;
    },
    decode: ({ type, data }) => {
      if (!Object.hasOwn(schemas, type)) throw new EventSchemaError(`unknown event type ${type}`);
      return { type, data } as Event;
    },
  };
  return codec;
};

/** The union of `{ type, data }` events described by a map of zod schemas keyed by event type. */
export type EventsOf<Schemas extends Record<string, z.ZodType<object>>> = {
  [Type in keyof Schemas & string]: { type: Type; data: z.infer<Schemas[Type]> };
}[keyof Schemas & string];
