import type { CpmsSessionView, StartSessionResult, StopSessionResult } from '../cpms-adapter';
import { CpmsCallError } from '../http/cpms-call-error';
import { idTagFor } from '../id-tag';
import type {
  AdapterHealthSnapshot,
  ConnectorStatusObservation,
  CpmsTarget,
  StationAdapter,
  StationAdapterDeps,
  StationAdapterFactory,
  StationSessionRequest,
  StationStartRequest,
  StationTestResult,
} from '../station-adapter';
import type { LongshipChargePointStatus, LongshipSession } from './longship-api';
import { LongshipClient, type CommandOutcome, type LongshipSettings } from './longship-client';
import { toSessionView } from './longship-session-view';

const connectivityOf = (status: LongshipChargePointStatus) =>
  status.connectivityStatus === 'ONLINE' ? ('online' as const) : ('offline' as const);

/** A remote command that did not end in `accepted`, as the port's refusal. */
const refusalOf = (outcome: Exclude<CommandOutcome, { kind: 'accepted' }>, action: 'start' | 'stop') => {
  if (outcome.kind === 'refused') return `${outcome.code}: ${outcome.message}`;
  return outcome.kind === 'rejected'
    ? `${action}_rejected: the charge point rejected the remote ${action}`
    : `${action}_not_confirmed: the charge point did not confirm the ${action} in time`;
};

class LongshipAdapter implements StationAdapter {
  readonly adapterType = 'longship' as const;
  private readonly client: LongshipClient;

  constructor(
    settings: LongshipSettings,
    private readonly deps: StationAdapterDeps,
  ) {
    this.client = new LongshipClient(settings, deps);
  }

  async startSession({ chargeId, target }: StationStartRequest): Promise<StartSessionResult> {
    const idTag = idTagFor(chargeId);
    // A start repeated after a crash finds the session the first one began instead of starting another.
    const existing = await this.client.sessionByIdTag(target.chargePointId, idTag);
    if (existing) return { outcome: 'accepted', cpmsSessionId: existing.id };
    const outcome = await this.client.command(target.chargePointId, 'remotestart', {
      connectorId: target.connectorNumber,
      idTag,
    });
    if (outcome.kind !== 'accepted') {
      const reason = refusalOf(outcome, 'start');
      return outcome.kind === 'unconfirmed'
        ? { outcome: 'refused', reason, startMayFollow: true }
        : { outcome: 'refused', reason };
    }
    const session = await this.client.sessionByIdTag(target.chargePointId, idTag);
    return { outcome: 'accepted', cpmsSessionId: session?.id ?? null };
  }

  async stopSession(request: StationSessionRequest): Promise<StopSessionResult> {
    const session = await this.sessionOf(request);
    if (!session) {
      return { outcome: 'refused', reason: 'session_not_found: Longship knows no session for this charge' };
    }
    if (session.status === 'COMPLETED' || session.status === 'INVALID') return { outcome: 'accepted' };
    if (session.transactionId === null || session.transactionId === undefined) {
      return {
        outcome: 'refused',
        reason: 'no_transaction: the session has no OCPP transaction to stop yet',
      };
    }
    const outcome = await this.client.command(session.chargePointId, 'remotestop', {
      transactionId: session.transactionId,
    });
    return outcome.kind === 'accepted'
      ? { outcome: 'accepted' }
      : { outcome: 'refused', reason: refusalOf(outcome, 'stop') };
  }

  async getSession(request: StationSessionRequest): Promise<CpmsSessionView | undefined> {
    const session = await this.sessionOf(request);
    return session && toSessionView(session);
  }

  async testStation(target: CpmsTarget): Promise<StationTestResult> {
    const started = this.deps.now().getTime();
    const result = (fields: Omit<StationTestResult, 'adapterType' | 'latencyMs'>): StationTestResult => ({
      adapterType: 'longship',
      latencyMs: this.deps.now().getTime() - started,
      ...fields,
    });
    let status: LongshipChargePointStatus | undefined;
    try {
      status = await this.client.chargePointStatus(target.chargePointId);
    } catch (error) {
      if (!(error instanceof CpmsCallError)) throw error;
      const { code, message, httpStatus } = error;
      return result({ ok: false, error: { code, message, ...(httpStatus ? { httpStatus } : {}) } });
    }
    if (!status) {
      return result({
        ok: false,
        error: {
          code: 'charge_point_not_found',
          message: `Longship knows no charge point ${target.chargePointId}`,
        },
      });
    }
    const found = {
      chargePointId: status.chargePointId,
      connectivity: connectivityOf(status),
      connectors: status.connectors.map(({ connectorNumber, operationalStatus }) => ({
        connectorNumber,
        status: operationalStatus,
      })),
    };
    const hasConnector = status.connectors.some(
      ({ connectorNumber }) => connectorNumber === target.connectorNumber,
    );
    if (!hasConnector) {
      const message = `the charge point has no connector ${target.connectorNumber}`;
      return result({ ok: false, found, error: { code: 'connector_not_found', message } });
    }
    if (found.connectivity === 'offline') {
      const message = 'the charge point is not connected to Longship';
      return result({ ok: false, found, error: { code: 'charge_point_offline', message } });
    }
    return result({ ok: true, found });
  }

  async pollConnectorStatuses(chargePointIds: readonly string[]): Promise<ConnectorStatusObservation[]> {
    const observations: ConnectorStatusObservation[] = [];
    const polledAt = this.deps.now().toISOString();
    for (const chargePointId of chargePointIds) {
      const status = await this.client.chargePointStatus(chargePointId);
      if (!status) continue;
      for (const connector of status.connectors) {
        const updated = connector.operationalStatusUpdated;
        observations.push({
          adapterType: 'longship',
          chargePointId: status.chargePointId,
          connectorNumber: connector.connectorNumber,
          status: connector.operationalStatus,
          connectivity: connectivityOf(status),
          observedAt: updated ? new Date(updated).toISOString() : polledAt,
          source: 'poll',
        });
      }
    }
    return observations;
  }

  health(): AdapterHealthSnapshot {
    return this.client.health();
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }

  private sessionOf(request: StationSessionRequest): Promise<LongshipSession | undefined> {
    return request.cpmsSessionId
      ? this.client.session(request.cpmsSessionId)
      : this.client.sessionByIdTag(request.target.chargePointId, idTagFor(request.chargeId));
  }
}

export const longshipAdapterFactory: StationAdapterFactory = (settings, deps) => {
  if (settings.adapterType !== 'longship') {
    throw new Error(`longshipAdapterFactory got ${settings.adapterType} settings`);
  }
  return new LongshipAdapter(settings, deps);
};
