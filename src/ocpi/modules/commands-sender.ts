import type { CommandContext } from '../../commands/command-context';
import { commandHandlerFor } from '../../commands/command-handler';
import type { OcpiPartyService } from '../../commands/ocpi/ocpi-party.service';
import {
  ocpiCommandDecider,
  ocpiCommandEventCodec,
  type OcpiCommandCommand,
} from '../../domain/ocpi-command/ocpi-command';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { newId } from '../../infrastructure/ids';
import type { SecretBox } from '../../webhooks/secret-box';
import type { OcpiClient } from '../client/ocpi-client';
import { ocpiCorrelationId } from '../credentials/credentials-flows';
import type { OcpiHandlers } from '../http/ocpi-app';
import { modulePath } from '../http/ocpi-paths';
import { routingHeadersTo } from '../http/routing-headers';
import type { OcpiVersion } from '../openapi/ocpi-description';
import type { OurPlatform } from '../our-platform';
import { invalidParameters } from '../transport/ocpi-errors';
import { peerContext } from './owner';
import { registeredEndpoint } from './registered-endpoint';

export interface CommandsDeps {
  eventStore: EventStore;
  parties: OcpiPartyService;
  client: OcpiClient;
  secretBox: SecretBox;
  us: OurPlatform;
}

type CommandName = 'START_SESSION' | 'STOP_SESSION';

/** Where the CPO posts the CommandResult: 2.2.1 names the command in the path, 2.3.0 only the uid. */
const responseUrl = (us: OurPlatform, version: OcpiVersion, command: CommandName, commandRef: string) =>
  `${us.baseUrl()}${modulePath(version, 'sender', 'commands')}/${version === '2.2.1' ? `${command}/` : ''}${commandRef}`;

/**
 * The Commands module as sender (the eMSP side; for us the PTP's): START_SESSION with our payment intent
 * as `authorization_reference`, STOP_SESSION, and the CommandResult the CPO posts to our response_url.
 */
export const ocpiCommands = (deps: CommandsDeps) => {
  const handler = commandHandlerFor(deps.eventStore, {
    decider: ocpiCommandDecider,
    codec: ocpiCommandEventCodec,
    streamName: (commandRef: string) => `ocpi_command-${commandRef}`,
  });
  const run = (commandRef: string, command: OcpiCommandCommand, context: CommandContext) =>
    handler.handle(commandRef, command, context);

  const send = async (
    partyRef: string,
    command: CommandName,
    body: (responseUrl: string) => Record<string, unknown>,
    requested: {
      paymentIntentId: string | null;
      locationId: string | null;
      evseUid: string | null;
      sessionId: string | null;
    },
    context: CommandContext,
  ) => {
    const { state, connection, endpoint } = await registeredEndpoint(
      deps.parties,
      partyRef,
      'commands',
      'RECEIVER',
    );
    const commandRef = newId('ocm');
    const now = () => new Date().toISOString();
    await run(
      commandRef,
      { type: 'RequestCommand', requested: { commandRef, partyRef, command, ...requested }, now: now() },
      context,
    );
    const cpo = connection.roles.find((role) => role.role === 'CPO') ?? connection.roles[0];
    const reply = await deps.client.call<{ result: string; timeout: number }>({
      method: 'POST',
      url: `${endpoint.url}/${command}`,
      token: deps.secretBox.decrypt(connection.outboundToken, partyRef),
      unencodedToken: state.acceptsUnencodedTokens,
      correlationId: ocpiCorrelationId(context),
      body: body(responseUrl(deps.us, connection.version, command, commandRef)),
      described: {
        version: connection.version,
        file: 'commands/receiver-interface',
        path: `/commands/${command}`,
      },
      ...(cpo ? { headers: routingHeadersTo(cpo, deps.us) } : {}),
    });
    const answer = reply.envelope.data ?? { result: 'UNKNOWN', timeout: 0 };
    await run(
      commandRef,
      { type: 'RecordAnswer', result: answer.result, timeoutSeconds: answer.timeout, now: now() },
      context,
    );
    return { commandRef, result: answer.result, timeoutSeconds: answer.timeout };
  };

  const handlers: OcpiHandlers = {
    senderPostCommandResult: async (request) => {
      const commandRef = String(request.operation.pathParams.uid);
      const { state } = await handler.load(commandRef);
      if (state.status !== 'requested' || state.requested.partyRef !== request.caller.party._id) {
        // The description gives this operation no 404: an unknown uid is an invalid parameter.
        throw invalidParameters('the uid names no command sent to this party');
      }
      const body = request.body as { result: string; message?: { text: string }[] };
      await run(
        commandRef,
        {
          type: 'RecordResult',
          result: body.result,
          message: body.message?.[0]?.text ?? null,
          now: request.now.toISOString(),
        },
        peerContext(request),
      );
      return {};
    },
  };

  return {
    handlers,
    load: (commandRef: string) => handler.load(commandRef),
    /** START_SESSION at a connector, paid by our payment intent (authorization_reference). */
    startSession: (
      input: {
        partyRef: string;
        paymentIntentId: string;
        locationId: string;
        evseUid?: string;
        connectorId?: string;
      },
      context: CommandContext,
    ) =>
      send(
        input.partyRef,
        'START_SESSION',
        (url) => ({
          response_url: url,
          token: {
            country_code: deps.us.countryCode,
            party_id: deps.us.partyId,
            uid: input.paymentIntentId,
            type: 'AD_HOC_USER',
            contract_id: input.paymentIntentId,
            issuer: deps.us.businessName,
            valid: true,
            whitelist: 'NEVER',
            last_updated: new Date().toISOString(),
          },
          location_id: input.locationId,
          ...(input.evseUid ? { evse_uid: input.evseUid } : {}),
          ...(input.connectorId ? { connector_id: input.connectorId } : {}),
          authorization_reference: input.paymentIntentId,
        }),
        {
          paymentIntentId: input.paymentIntentId,
          locationId: input.locationId,
          evseUid: input.evseUid ?? null,
          sessionId: null,
        },
        context,
      ),
    stopSession: (input: { partyRef: string; sessionId: string }, context: CommandContext) =>
      send(
        input.partyRef,
        'STOP_SESSION',
        (url) => ({ response_url: url, session_id: input.sessionId }),
        { paymentIntentId: null, locationId: null, evseUid: null, sessionId: input.sessionId },
        context,
      ),
  };
};

export type OcpiCommands = ReturnType<typeof ocpiCommands>;
