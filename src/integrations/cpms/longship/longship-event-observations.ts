import { z } from 'zod';
import type { CpmsSessionStatus } from '../../../domain/charge-session/charge-session.events';
import type { ConnectorStatusObservation, SessionObservation } from '../station-adapter';
import { longshipEventDataSchemas, type CloudEvent } from './longship-api';

export type Observation =
  | { kind: 'connector'; observation: ConnectorStatusObservation }
  | { kind: 'session'; observation: SessionObservation };

const sessionData = longshipEventDataSchemas.SessionStart;

const SESSION_STATUS_OF: Record<string, CpmsSessionStatus> = {
  SessionStart: 'STARTED',
  SessionUpdate: 'STARTED',
  SessionStop: 'STOPPED',
  CdrCreated: 'COMPLETE',
};

export class InvalidLongshipEvent extends Error {
  override readonly name = 'InvalidLongshipEvent';
}

const dataOf = <T>(schema: z.ZodType<T>, event: CloudEvent): T => {
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `data.${issue.path.join('.')}` : 'data';
    throw new InvalidLongshipEvent(`${event.type} event ${where}: ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
};

/**
 * What a Longship push says, as observations with its source time (the event's `time`), or nothing for
 * event types EdgePay does not use. Connectivity is about the whole charge point: it is reported on
 * connector 0 (the OCPP number of the charge point itself), `Unavailable` when offline, `Unknown` when
 * back online until its connectors report again.
 */
export const observationsOf = (event: CloudEvent): Observation[] => {
  const known =
    Object.hasOwn(SESSION_STATUS_OF, event.type) || Object.hasOwn(longshipEventDataSchemas, event.type);
  if (!known) return [];
  if (!event.time) throw new InvalidLongshipEvent(`${event.type} event: time (the source time) is required`);
  const observedAt = new Date(event.time).toISOString();
  if (event.type === 'OperationalStatusChanged') {
    const data = dataOf(longshipEventDataSchemas.OperationalStatusChanged, event);
    return [
      {
        kind: 'connector',
        observation: { adapterType: 'longship', ...data, observedAt, source: 'push' },
      },
    ];
  }
  if (event.type === 'ConnectivityStatusChanged') {
    const data = dataOf(longshipEventDataSchemas.ConnectivityStatusChanged, event);
    const online = data.status === 'ONLINE';
    return [
      {
        kind: 'connector',
        observation: {
          adapterType: 'longship',
          chargePointId: data.chargePointId,
          connectorNumber: 0,
          status: online ? 'Unknown' : 'Unavailable',
          connectivity: online ? 'online' : 'offline',
          observedAt,
          source: 'push',
        },
      },
    ];
  }
  const data = dataOf(sessionData, event);
  return [
    {
      kind: 'session',
      observation: {
        adapterType: 'longship',
        cpmsSessionId: data.sessionId,
        chargePointId: data.chargePointId,
        ...(data.connectorNumber === undefined ? {} : { connectorNumber: data.connectorNumber }),
        status: SESSION_STATUS_OF[event.type]!,
        ...(data.totalEnergyInKwh === undefined
          ? {}
          : { energyWh: Math.round(data.totalEnergyInKwh * 1000) }),
        observedAt,
      },
    },
  ];
};
