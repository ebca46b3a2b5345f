import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { conflict, invalid, notFound } from '../shared/domain-error';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

/** OCPI 2.3.0 Payments Terminal, as we (the PTP, its owner) serve it. */
export type OcpiTerminalObject = Record<string, unknown> & { terminal_id: string; last_updated: string };

/**
 * One of our registered terminals (EdgePay `trm_...`) made known to a CPO: activated by the CPO with our
 * terminal id as `reference`, assigned to its locations and EVSEs, deactivated.
 */
export const ocpiTerminalEventSchemas = {
  OcpiTerminalActivated: z.object({
    terminalId: z.string(),
    partyRef: z.string(),
    merchantId: z.string(),
    terminal: z.record(z.string(), z.unknown()),
    activatedAt: timestamp,
  }),
  /** The whole Terminal after a PUT, or a PATCH of its location_ids / evse_uids by the CPO. */
  OcpiTerminalUpdated: z.object({
    terminalId: z.string(),
    terminal: z.record(z.string(), z.unknown()),
    via: z.enum(['put', 'patch']),
    updatedAt: timestamp,
  }),
  OcpiTerminalDeactivated: z.object({ terminalId: z.string(), deactivatedAt: timestamp }),
} as const;

export type OcpiTerminalEvent = EventsOf<typeof ocpiTerminalEventSchemas>;
export const ocpiTerminalEventCodec = zodEventCodec(ocpiTerminalEventSchemas);

export type OcpiTerminalState =
  | { status: 'empty' }
  | {
      status: 'active' | 'deactivated';
      terminalId: string;
      partyRef: string;
      merchantId: string;
      terminal: OcpiTerminalObject;
    };

export type OcpiTerminalCommand = { now: string } & (
  | {
      type: 'ActivateTerminal';
      terminalId: string;
      partyRef: string;
      merchantId: string;
      terminal: OcpiTerminalObject;
    }
  | { type: 'UpdateTerminal'; partyRef: string; terminal: OcpiTerminalObject; via: 'put' | 'patch' }
  | { type: 'DeactivateTerminal'; partyRef: string }
);

const PTP_OWNED = ['terminal_id', 'reference'] as const;

export const decideOcpiTerminal = (
  command: OcpiTerminalCommand,
  state: OcpiTerminalState,
): OcpiTerminalEvent[] => {
  if (command.type === 'ActivateTerminal') {
    if (state.status === 'active') {
      if (state.partyRef === command.partyRef) return [];
      throw conflict('ocpi_terminal_taken', 'the terminal is active with another party');
    }
    const { terminalId, partyRef, merchantId, terminal } = command;
    return [
      {
        type: 'OcpiTerminalActivated',
        data: { terminalId, partyRef, merchantId, terminal, activatedAt: command.now },
      },
    ];
  }
  // Another party's terminal is as good as absent to the caller.
  if (state.status === 'empty' || state.partyRef !== command.partyRef) {
    throw notFound('ocpi_terminal_not_found', 'no such terminal');
  }
  if (command.type === 'DeactivateTerminal') {
    if (state.status === 'deactivated') return [];
    return [
      { type: 'OcpiTerminalDeactivated', data: { terminalId: state.terminalId, deactivatedAt: command.now } },
    ];
  }
  if (state.status !== 'active') throw conflict('ocpi_terminal_deactivated', 'the terminal is deactivated');
  for (const field of PTP_OWNED) {
    if (field in command.terminal && command.terminal[field] !== state.terminal[field]) {
      throw invalid('ocpi_terminal_field_owned', `${field} is set by the PTP`, field);
    }
  }
  return [
    {
      type: 'OcpiTerminalUpdated',
      data: {
        terminalId: state.terminalId,
        terminal: { ...state.terminal, ...command.terminal, terminal_id: state.terminalId },
        via: command.via,
        updatedAt: command.now,
      },
    },
  ];
};

export const evolveOcpiTerminal = (state: OcpiTerminalState, event: OcpiTerminalEvent): OcpiTerminalState => {
  switch (event.type) {
    case 'OcpiTerminalActivated': {
      const { terminalId, partyRef, merchantId, terminal } = event.data;
      return { status: 'active', terminalId, partyRef, merchantId, terminal: terminal as OcpiTerminalObject };
    }
    case 'OcpiTerminalUpdated':
      return state.status === 'empty'
        ? state
        : { ...state, terminal: event.data.terminal as OcpiTerminalObject };
    case 'OcpiTerminalDeactivated':
      return state.status === 'empty' ? state : { ...state, status: 'deactivated' };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown OCPI terminal event ${JSON.stringify(unreachable)}`);
    }
  }
};

export const ocpiTerminalDecider: Decider<OcpiTerminalState, OcpiTerminalCommand, OcpiTerminalEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideOcpiTerminal,
  evolve: evolveOcpiTerminal,
};
