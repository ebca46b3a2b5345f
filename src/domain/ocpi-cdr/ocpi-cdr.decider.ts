import { isDeepStrictEqual } from 'node:util';
import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import type { OcpiCdrEvent } from './ocpi-cdr.events';

type Received = Extract<OcpiCdrEvent, { type: 'OcpiCdrReceived' }>['data'];

export type OcpiCdrState = { status: 'empty' } | { status: 'received'; received: Received };

export interface ReceiveCdr {
  type: 'ReceiveCdr';
  received: Omit<Received, 'receivedAt'>;
  now: string;
}

/**
 * A CDR is received once: the same CDR again (a retried POST) changes nothing, a different one under the
 * same id is refused (OCPI CDRs are never changed; a correction is a credit CDR with its own id). A
 * mismatch between their total and ours is an event of its own.
 */
export const decideOcpiCdr = (command: ReceiveCdr, state: OcpiCdrState): OcpiCdrEvent[] => {
  if (state.status === 'received') {
    if (isDeepStrictEqual(state.received.cdr, command.received.cdr)) return [];
    throw conflict(
      'ocpi_cdr_exists',
      `CDR ${command.received.cdrId} was received already and CDRs do not change`,
    );
  }
  const { received } = command;
  const events: OcpiCdrEvent[] = [
    { type: 'OcpiCdrReceived', data: { ...received, receivedAt: command.now } },
  ];
  if (received.ourCost && received.ourCost.inclVat !== received.theirCost.inclVat) {
    events.push({
      type: 'OcpiCdrCostMismatched',
      data: {
        cdrRef: received.cdrRef,
        cdrId: received.cdrId,
        partyRef: received.partyRef,
        merchantId: received.merchantId,
        paymentIntentId: received.paymentIntentId,
        currency: received.currency,
        theirInclVat: received.theirCost.inclVat,
        ourInclVat: received.ourCost.inclVat,
        difference: received.theirCost.inclVat - received.ourCost.inclVat,
      },
    });
  }
  return events;
};

export const ocpiCdrDecider: Decider<OcpiCdrState, ReceiveCdr, OcpiCdrEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideOcpiCdr,
  evolve: (state, event) =>
    event.type === 'OcpiCdrReceived' ? { status: 'received', received: event.data } : state,
};
