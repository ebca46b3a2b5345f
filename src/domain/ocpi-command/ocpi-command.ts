import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { conflict, notFound } from '../shared/domain-error';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

/** A command we send a CPO (Commands module, we are the sender): its request, its answer, its result. */
export const ocpiCommandEventSchemas = {
  /** Recorded before the POST: the CPO may post the result to our response_url before it answers. */
  OcpiCommandRequested: z.object({
    commandRef: z.string(),
    partyRef: z.string(),
    command: z.enum(['START_SESSION', 'STOP_SESSION']),
    /** START_SESSION's authorization_reference: our payment intent. */
    paymentIntentId: z.string().nullable(),
    locationId: z.string().nullable(),
    evseUid: z.string().nullable(),
    sessionId: z.string().nullable(),
    requestedAt: timestamp,
  }),
  /** The CPO's synchronous CommandResponse. */
  OcpiCommandAnswered: z.object({
    commandRef: z.string(),
    result: z.string(),
    timeoutSeconds: z.number().int(),
    answeredAt: timestamp,
  }),
  /** The CPO's asynchronous CommandResult, posted to our response_url. */
  OcpiCommandResultReceived: z.object({
    commandRef: z.string(),
    result: z.string(),
    message: z.string().nullable(),
    receivedAt: timestamp,
  }),
} as const;

export type OcpiCommandEvent = EventsOf<typeof ocpiCommandEventSchemas>;
export const ocpiCommandEventCodec = zodEventCodec(ocpiCommandEventSchemas);

type Requested = Extract<OcpiCommandEvent, { type: 'OcpiCommandRequested' }>['data'];

export type OcpiCommandState =
  | { status: 'empty' }
  | { status: 'requested'; requested: Requested; answer: string | null; result: string | null };

export type OcpiCommandCommand = { now: string } & (
  | { type: 'RequestCommand'; requested: Omit<Requested, 'requestedAt'> }
  | { type: 'RecordAnswer'; result: string; timeoutSeconds: number }
  | { type: 'RecordResult'; result: string; message: string | null }
);

export const decideOcpiCommand = (
  command: OcpiCommandCommand,
  state: OcpiCommandState,
): OcpiCommandEvent[] => {
  if (command.type === 'RequestCommand') {
    if (state.status !== 'empty') throw conflict('ocpi_command_exists', 'the command was sent already');
    return [{ type: 'OcpiCommandRequested', data: { ...command.requested, requestedAt: command.now } }];
  }
  if (state.status === 'empty') throw notFound('ocpi_command_not_found', 'no such command');
  const { commandRef } = state.requested;
  if (command.type === 'RecordAnswer') {
    if (state.answer !== null) return [];
    return [
      {
        type: 'OcpiCommandAnswered',
        data: {
          commandRef,
          result: command.result,
          timeoutSeconds: command.timeoutSeconds,
          answeredAt: command.now,
        },
      },
    ];
  }
  // A result posted twice (the CPO retried) is taken once; a different second result is refused.
  if (state.result !== null) {
    if (state.result === command.result) return [];
    throw conflict('ocpi_command_result_exists', `the command's result is ${state.result} already`);
  }
  return [
    {
      type: 'OcpiCommandResultReceived',
      data: { commandRef, result: command.result, message: command.message, receivedAt: command.now },
    },
  ];
};

export const evolveOcpiCommand = (state: OcpiCommandState, event: OcpiCommandEvent): OcpiCommandState => {
  switch (event.type) {
    case 'OcpiCommandRequested':
      return { status: 'requested', requested: event.data, answer: null, result: null };
    case 'OcpiCommandAnswered':
      return state.status === 'requested' ? { ...state, answer: event.data.result } : state;
    case 'OcpiCommandResultReceived':
      return state.status === 'requested' ? { ...state, result: event.data.result } : state;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown OCPI command event ${JSON.stringify(unreachable)}`);
    }
  }
};

export const ocpiCommandDecider: Decider<OcpiCommandState, OcpiCommandCommand, OcpiCommandEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideOcpiCommand,
  evolve: evolveOcpiCommand,
};
