import type { CommandContext } from '../../commands/command-context';
import { commandHandlerFor } from '../../commands/command-handler';
import {
  ocpiSessionDecider,
  ocpiSessionEventCodec,
  type OcpiSessionCommand,
  type OcpiSessionObject,
} from '../../domain/ocpi-session/ocpi-session';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import type { OcpiHandlers, OcpiRequest } from '../http/ocpi-app';
import { unknownObject } from '../transport/ocpi-errors';
import { assertSameObject, ownerOf, peerContext } from './owner';

/** CiString ids: one Session per owner and case-folded id. */
export const ocpiSessionRef = (countryCode: string, partyId: string, sessionId: string): string =>
  deterministicId('oss', countryCode.toUpperCase(), partyId.toUpperCase(), sessionId.toLowerCase());

/** The Sessions receiver interface: the CPO pushes each session (PUT) and its progress (PATCH). */
export const ocpiSessions = (deps: { eventStore: EventStore }) => {
  const handler = commandHandlerFor(deps.eventStore, {
    decider: ocpiSessionDecider,
    codec: ocpiSessionEventCodec,
    streamName: (sessionRef: string) => `ocpi_session-${sessionRef}`,
  });
  const run = (sessionRef: string, command: OcpiSessionCommand, context: CommandContext) =>
    handler.handle(sessionRef, command, context);
  const target = (request: OcpiRequest) => {
    const owner = ownerOf(request);
    const sessionId = String(request.operation.pathParams.session_id);
    return { owner, sessionId, sessionRef: ocpiSessionRef(owner.countryCode, owner.partyId, sessionId) };
  };

  const handlers: OcpiHandlers = {
    receiverGetSession: async (request) => {
      const { state } = await handler.load(target(request).sessionRef);
      if (state.status !== 'stored') throw unknownObject('no such session');
      return { data: state.session };
    },
    receiverPutSession: async (request) => {
      const { owner, sessionId, sessionRef } = target(request);
      const session = request.body as OcpiSessionObject;
      assertSameObject(session, { id: sessionId, countryCode: owner.countryCode, partyId: owner.partyId });
      const { state } = await handler.load(sessionRef);
      await run(
        sessionRef,
        { type: 'PutSession', ...owner, sessionRef, session, now: request.now.toISOString() },
        peerContext(request),
      );
      return { httpStatus: state.status === 'stored' ? 200 : 201 };
    },
    receiverPatchSession: async (request) => {
      const { sessionRef } = target(request);
      await run(
        sessionRef,
        {
          type: 'PatchSession',
          patch: request.body as Record<string, unknown> & { last_updated: string },
          now: request.now.toISOString(),
        },
        peerContext(request),
      );
      return {};
    },
  };
  return { handlers, load: (sessionRef: string) => handler.load(sessionRef) };
};

export type OcpiSessions = ReturnType<typeof ocpiSessions>;
