import type { ReadStore } from '../../infrastructure/read-store/read-store';
import {
  CpmsUnavailableError,
  type CpmsAdapter,
  type StartSessionResult,
  type StopSessionResult,
} from '../../integrations/cpms/cpms-adapter';
import { systemContext } from '../../commands/command-context';
import type { OcpiCommandDocument, OcpiSessionDocument } from '../../projections/ocpi/ocpi-flow.projections';
import { OcpiError, OcpiPeerError, OcpiUrlRefusedError } from '../transport/ocpi-errors';
import type { OcpiCommands } from './commands-sender';
import { CPMS_STATUS_OF_OCPI_SESSION } from '../process/ocpi-flow-triggers';

/**
 * A station an OCPI CPO operates, as this adapter takes it: `ocpi:<partyRef>:<locationId>`. The station
 * router builds it from a mapping of adapter type `ocpi` (src/integrations/cpms/station-routing-cpms.ts).
 */
export const ocpiStationId = (partyRef: string, locationId: string) => `ocpi:${partyRef}:${locationId}`;

const stationOf = (stationId: string) => {
  const match = /^ocpi:([^:]+):(.+)$/.exec(stationId);
  return match ? { partyRef: match[1] as string, locationId: match[2] as string } : undefined;
};

const FAILED_RESULTS = new Set([
  'CANCELED_RESERVATION',
  'EVSE_OCCUPIED',
  'EVSE_INOPERATIVE',
  'FAILED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TIMEOUT',
]);

export interface OcpiCpmsAdapterDeps {
  commands: OcpiCommands;
  readStore: ReadStore;
  catchUp: () => Promise<void>;
  /** The payment intent a charge pays with: START_SESSION's authorization_reference. */
  paymentIntentOfCharge: (chargeId: string) => Promise<string | undefined>;
}

/** A peer that did not answer, or answered 5xx, is unavailable (the job retries); any other answer is a result. */
const unavailableOr = async <T>(call: () => Promise<T>, refused: (reason: string) => T): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof OcpiPeerError &&
      !(error instanceof OcpiUrlRefusedError) &&
      (error.httpStatus === undefined || error.httpStatus >= 500)
    ) {
      throw new CpmsUnavailableError(error.message);
    }
    if (error instanceof OcpiPeerError || error instanceof OcpiError) return refused(error.message);
    throw error;
  }
};

/**
 * An OCPI CPO as one more CPMS behind the charges' port: START_SESSION with the charge's payment intent
 * as `authorization_reference`, STOP_SESSION of the session the CPO pushed for it, and the status of that
 * session (or, before the CPO pushes one, of the START_SESSION's result).
 */
export const ocpiCpmsAdapter = (deps: OcpiCpmsAdapterDeps): CpmsAdapter => {
  const sessionOf = async (intentId: string) => {
    await deps.catchUp();
    const sessions = await deps.readStore
      .collection<OcpiSessionDocument>('ocpi_sessions')
      .find({ authorizationReference: intentId }, { sort: { lastUpdated: -1 }, limit: 1 });
    return sessions[0];
  };
  const startOf = async (intentId: string) => {
    const commands = await deps.readStore
      .collection<OcpiCommandDocument>('ocpi_commands')
      .find({ paymentIntentId: intentId, command: 'START_SESSION' }, { sort: { requestedAt: -1 }, limit: 1 });
    return commands[0];
  };

  return {
    name: 'ocpi',
    async startSession(request): Promise<StartSessionResult> {
      const station = stationOf(request.stationId);
      if (!station) return { outcome: 'refused', reason: `${request.stationId} is no OCPI station` };
      const intentId = await deps.paymentIntentOfCharge(request.chargeId);
      if (!intentId) return { outcome: 'refused', reason: 'the charge has no payment intent' };
      return unavailableOr<StartSessionResult>(
        async () => {
          const sent = await deps.commands.startSession(
            {
              partyRef: station.partyRef,
              paymentIntentId: intentId,
              locationId: station.locationId,
              ...(request.evseId ? { evseUid: request.evseId } : {}),
              connectorId: request.connectorId,
            },
            systemContext(`charge-${request.chargeId}`),
          );
          return sent.result === 'ACCEPTED'
            ? { outcome: 'accepted', cpmsSessionId: null }
            : { outcome: 'refused', reason: `START_SESSION ${sent.result}` };
        },
        (reason) => ({ outcome: 'refused', reason }),
      );
    },
    async stopSession(request): Promise<StopSessionResult> {
      const intentId = await deps.paymentIntentOfCharge(request.chargeId);
      const session = intentId ? await sessionOf(intentId) : undefined;
      const sessionId = request.cpmsSessionId ?? session?.sessionId;
      if (!sessionId || !session)
        return { outcome: 'refused', reason: 'the CPO has pushed no session for this charge yet' };
      return unavailableOr<StopSessionResult>(
        async () => {
          const sent = await deps.commands.stopSession(
            { partyRef: session.partyRef, sessionId },
            systemContext(`charge-${request.chargeId}`),
          );
          return sent.result === 'ACCEPTED'
            ? { outcome: 'accepted' }
            : { outcome: 'refused', reason: `STOP_SESSION ${sent.result}` };
        },
        (reason) => ({ outcome: 'refused', reason }),
      );
    },
    async getSession({ chargeId }) {
      const intentId = await deps.paymentIntentOfCharge(chargeId);
      if (!intentId) return undefined;
      const session = await sessionOf(intentId);
      if (session)
        return {
          cpmsSessionId: session.sessionId,
          status: CPMS_STATUS_OF_OCPI_SESSION[session.status] ?? 'UNKNOWN',
        };
      const start = await startOf(intentId);
      if (!start) return undefined;
      const failed = [start.answer, start.result].some(
        (value) => value !== null && FAILED_RESULTS.has(value),
      );
      return {
        cpmsSessionId: null,
        status: failed ? 'FAILED' : start.result === 'ACCEPTED' ? 'WAITING_TO_START' : 'CREATED',
      };
    },
    ping: async () => undefined,
  };
};
