import { commandHandlerFor } from '../../commands/command-handler';
import { terminalAggregate } from '../../commands/terminals/terminal.service';
import {
  ocpiTerminalDecider,
  ocpiTerminalEventCodec,
  type OcpiTerminalObject,
} from '../../domain/ocpi-terminal/ocpi-terminal';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { OcpiTerminalDocument } from '../../projections/ocpi/ocpi-terminal.projection';
import type { OcpiHandlers, OcpiRequest } from '../http/ocpi-app';
import { modulePath } from '../http/ocpi-paths';
import type { OurPlatform } from '../our-platform';
import { invalidParameters, unknownObject } from '../transport/ocpi-errors';
import { ocpiTimestamp } from '../transport/ocpi-time';
import { pageOf, type pagingFor } from '../transport/paging';
import { peerContext } from './owner';

export interface TerminalsDeps {
  eventStore: EventStore;
  readStore: ReadStore;
  us: OurPlatform;
  paging: ReturnType<typeof pagingFor>;
  /** Waits (bounded) until the read models hold everything appended so far: a list after an activation shows it. */
  catchUp: () => Promise<void>;
}

/**
 * The Payments module's Terminals, sender side (we, the PTP, own them): a CPO activates one of our
 * registered terminals by its id as `reference`, lists and reads them (paged), assigns locations and
 * EVSEs (PATCH), replaces (PUT) and deactivates them.
 */
export const ocpiTerminals = (deps: TerminalsDeps) => {
  const handler = commandHandlerFor(deps.eventStore, {
    decider: ocpiTerminalDecider,
    codec: ocpiTerminalEventCodec,
    streamName: (terminalId: string) => `ocpi_terminal-${terminalId}`,
  });
  const ourTerminals = commandHandlerFor(deps.eventStore, terminalAggregate);

  const owned = async (request: OcpiRequest) => {
    const terminalId = String(request.operation.pathParams.terminal_id);
    const { state } = await handler.load(terminalId);
    if (state.status === 'empty' || state.partyRef !== request.caller.party._id)
      throw unknownObject('no such terminal');
    return { terminalId, state };
  };

  const update = async (request: OcpiRequest, via: 'put' | 'patch') => {
    const { terminalId } = await owned(request);
    const result = await handler.handle(
      terminalId,
      {
        type: 'UpdateTerminal',
        partyRef: request.caller.party._id,
        terminal: request.body as OcpiTerminalObject,
        via,
        now: request.now.toISOString(),
      },
      peerContext(request),
    );
    return { data: result.state.status === 'empty' ? undefined : result.state.terminal };
  };

  const handlers: OcpiHandlers = {
    senderGetTerminals: async (request) => {
      const path = `${modulePath(request.version, 'sender', 'payments')}/terminals`;
      const page = deps.paging.read(path, request.query);
      await deps.catchUp();
      const docs = await deps.readStore
        .collection<OcpiTerminalDocument>('ocpi_terminals')
        .find({ partyRef: request.caller.party._id, status: 'active' }, { sort: { lastUpdated: 1, _id: 1 } });
      const { total, items } = pageOf(
        docs.map((doc) => doc.terminal),
        page,
      );
      return { data: items, headers: deps.paging.headers(deps.us.baseUrl(), path, page, total) };
    },
    senderGetTerminal: async (request) => {
      const { state } = await owned(request);
      if (state.status !== 'active') throw unknownObject('the terminal is deactivated');
      return { data: state.terminal };
    },
    senderPostActivateTerminal: async (request) => {
      const body = request.body as Record<string, unknown> & { reference?: string };
      if (!body.reference)
        throw invalidParameters('reference: the id of the EdgePay terminal to activate is required');
      const ours = await ourTerminals.load(body.reference);
      if (ours.state.status === 'unregistered')
        throw invalidParameters(`reference: no terminal ${body.reference}`);
      const cpo =
        request.caller.party.roles.find((role) => role.role === 'CPO') ?? request.caller.party.roles[0];
      const terminal: OcpiTerminalObject = {
        ...body,
        terminal_id: body.reference,
        reference: body.reference,
        ...(cpo ? { country_code: cpo.countryCode, party_id: cpo.partyId } : {}),
        invoice_creator: typeof body.invoice_creator === 'string' ? body.invoice_creator : 'PTP',
        last_updated: ocpiTimestamp(request.now),
      };
      const before = await handler.load(body.reference);
      const result = await handler.handle(
        body.reference,
        {
          type: 'ActivateTerminal',
          terminalId: body.reference,
          partyRef: request.caller.party._id,
          merchantId: ours.state.merchantId,
          terminal,
          now: request.now.toISOString(),
        },
        peerContext(request),
      );
      const active = result.state.status === 'empty' ? terminal : result.state.terminal;
      return { httpStatus: before.state.status === 'active' ? 200 : 201, data: active };
    },
    senderPostDeactivateTerminal: async (request) => {
      const { terminalId } = await owned(request);
      await handler.handle(
        terminalId,
        { type: 'DeactivateTerminal', partyRef: request.caller.party._id, now: request.now.toISOString() },
        peerContext(request),
      );
      return {};
    },
    senderPutTerminal: (request) => update(request, 'put'),
    senderPatchTerminal: (request) => update(request, 'patch'),
  };
  return { handlers, load: (terminalId: string) => handler.load(terminalId) };
};
