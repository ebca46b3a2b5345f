import { Registry } from 'prom-client';
import { z } from 'zod';
import { silentLogger } from '../../../infrastructure/logging/logger';
import type { CpmsSessionView, StartSessionResult, StopSessionResult } from '../cpms-adapter';
import { CpmsCallError } from '../http/cpms-call-error';
import { CpmsHttpClient, type CpmsResponse } from '../http/cpms-http-client';
import type {
  AdapterHealthSnapshot,
  ConnectorStatusObservation,
  CpmsTarget,
  LongshipCredentials,
  StationAdapter,
  StationAdapterDeps,
  StationAdapterFactory,
  StationAdapterSettings,
  StationSessionRequest,
  StationStartRequest,
  StationTestResult,
} from '../station-adapter';
import {
  LONGSHIP_APPLICATION_KEY_HEADER,
  LONGSHIP_TENANT_KEY_HEADER,
  longshipChargePointStatusSchema,
  longshipMessageSchema,
  longshipSessionSchema,
  nextLinkOf,
  type LongshipChargePointStatus,
  type LongshipSession,
} from './longship-api';
import { longshipErrorOf, longshipRefusal } from './longship-errors';
import { idTagFor } from '../id-tag';
import { toSessionView } from './longship-session-view';

type LongshipSettings = Extract<StationAdapterSettings, { adapterType: 'longship' }>;

/** Pages followed at most when listing (a guard against a Link loop). */
const MAX_PAGES = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const path = (value: string) => encodeURIComponent(value);

class LongshipAdapter implements StationAdapter {
  readonly adapterType = 'longship' as const;
  private readonly http: CpmsHttpClient;
  private closed = false;

  constructor(
    private readonly settings: LongshipSettings,
    private readonly deps: StationAdapterDeps,
  ) {
    const credentials: LongshipCredentials = settings.credentials;
    this.http = new CpmsHttpClient({
      adapterType: 'longship',
      settings,
      registry: deps.registry ?? new Registry(),
      logger: deps.logger ?? silentLogger(),
      now: deps.now,
      secrets: () => [credentials.tenantKey, credentials.applicationKey, credentials.webhookSecret],
      errorOf: longshipErrorOf,
      authorize: () =>
        Promise.resolve({
          [LONGSHIP_TENANT_KEY_HEADER]: credentials.tenantKey,
          [LONGSHIP_APPLICATION_KEY_HEADER]: credentials.applicationKey,
        }),
    });
  }

  async startSession({ chargeId, target }: StationStartRequest): Promise<StartSessionResult> {
    const idTag = idTagFor(chargeId);
    // A start repeated after a crash finds the session the first one began instead of starting another.
    const existing = await this.findSessionByIdTag(target.chargePointId, idTag);
    if (existing) return { outcome: 'accepted', cpmsSessionId: existing.id };
    const answer = await this.http.request({
      operation: 'remote_start',
      method: 'POST',
      path: `/v1/chargepoints/${path(target.chargePointId)}/remotestart`,
      json: { connectorId: target.connectorNumber, idTag },
      safeToRepeat: false,
    });
    if (answer.status !== 202 && answer.status !== 200) {
      const refusal = longshipRefusal(answer.status, answer.body);
      return { outcome: 'refused', reason: `${refusal.code}: ${refusal.message}` };
    }
    const verdict = await this.awaitMessage(target.chargePointId, answer, 'remote_start_status');
    if (verdict === 'rejected')
      return { outcome: 'refused', reason: 'start_rejected: the charge point rejected the remote start' };
    if (verdict === 'unconfirmed') {
      return {
        outcome: 'refused',
        reason: 'start_not_confirmed: the charge point did not confirm the start in time',
      };
    }
    const session = await this.findSessionByIdTag(target.chargePointId, idTag);
    return { outcome: 'accepted', cpmsSessionId: session?.id ?? null };
  }

  async stopSession(request: StationSessionRequest): Promise<StopSessionResult> {
    const session = await this.sessionOf(request);
    if (!session)
      return { outcome: 'refused', reason: 'session_not_found: Longship knows no session for this charge' };
    if (session.status === 'COMPLETED' || session.status === 'INVALID') return { outcome: 'accepted' };
    if (session.transactionId === null || session.transactionId === undefined) {
      return {
        outcome: 'refused',
        reason: 'no_transaction: the session has no OCPP transaction to stop yet',
      };
    }
    const answer = await this.http.request({
      operation: 'remote_stop',
      method: 'POST',
      path: `/v1/chargepoints/${path(session.chargePointId)}/remotestop`,
      json: { transactionId: session.transactionId },
      safeToRepeat: false,
    });
    if (answer.status !== 202 && answer.status !== 200) {
      const refusal = longshipRefusal(answer.status, answer.body);
      return { outcome: 'refused', reason: `${refusal.code}: ${refusal.message}` };
    }
    const verdict = await this.awaitMessage(session.chargePointId, answer, 'remote_stop_status');
    if (verdict === 'accepted') return { outcome: 'accepted' };
    return {
      outcome: 'refused',
      reason:
        verdict === 'rejected'
          ? 'stop_rejected: the charge point rejected the remote stop'
          : 'stop_not_confirmed: the charge point did not confirm the stop in time',
    };
  }

  async getSession(request: StationSessionRequest): Promise<CpmsSessionView | undefined> {
    const session = await this.sessionOf(request);
    return session && toSessionView(session);
  }

  async testStation(target: CpmsTarget): Promise<StationTestResult> {
    const started = this.deps.now().getTime();
    const latencyMs = () => this.deps.now().getTime() - started;
    try {
      const status = await this.chargePointStatus(target.chargePointId);
      if (!status) {
        return {
          ok: false,
          adapterType: 'longship',
          latencyMs: latencyMs(),
          error: {
            code: 'charge_point_not_found',
            message: `Longship knows no charge point ${target.chargePointId}`,
          },
        };
      }
      const found = {
        chargePointId: status.chargePointId,
        connectivity: status.connectivityStatus === 'ONLINE' ? ('online' as const) : ('offline' as const),
        connectors: status.connectors.map((connector) => ({
          connectorNumber: connector.connectorNumber,
          status: connector.operationalStatus,
        })),
      };
      const hasConnector = status.connectors.some(
        (connector) => connector.connectorNumber === target.connectorNumber,
      );
      const error = !hasConnector
        ? {
            code: 'connector_not_found',
            message: `the charge point has no connector ${target.connectorNumber}`,
          }
        : found.connectivity === 'offline'
          ? { code: 'charge_point_offline', message: 'the charge point is not connected to Longship' }
          : undefined;
      return {
        ok: !error,
        adapterType: 'longship',
        latencyMs: latencyMs(),
        found,
        ...(error ? { error } : {}),
      };
    } catch (error) {
      if (!(error instanceof CpmsCallError)) throw error;
      return {
        ok: false,
        adapterType: 'longship',
        latencyMs: latencyMs(),
        error: {
          code: error.code,
          message: error.message,
          ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}),
        },
      };
    }
  }

  async pollConnectorStatuses(chargePointIds: readonly string[]): Promise<ConnectorStatusObservation[]> {
    const observations: ConnectorStatusObservation[] = [];
    const polledAt = this.deps.now().toISOString();
    for (const chargePointId of chargePointIds) {
      const status = await this.chargePointStatus(chargePointId);
      if (!status) continue;
      const connectivity =
        status.connectivityStatus === 'ONLINE' ? ('online' as const) : ('offline' as const);
      for (const connector of status.connectors) {
        observations.push({
          adapterType: 'longship',
          chargePointId: status.chargePointId,
          connectorNumber: connector.connectorNumber,
          status: connector.operationalStatus,
          connectivity,
          observedAt: connector.operationalStatusUpdated
            ? new Date(connector.operationalStatusUpdated).toISOString()
            : polledAt,
          source: 'poll',
        });
      }
    }
    return observations;
  }

  health(): AdapterHealthSnapshot {
    return this.http.health();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Polls the message a 202 named until the charge point accepts or rejects it, or time runs out. */
  private async awaitMessage(
    chargePointId: string,
    answer: CpmsResponse,
    operation: string,
  ): Promise<'accepted' | 'rejected' | 'unconfirmed'> {
    const location = answer.headers.get('location');
    const bodyId = z.object({ messageId: z.string() }).safeParse(answer.body);
    const messagePath =
      location ??
      (bodyId.success
        ? `/v1/chargepoints/${path(chargePointId)}/messages?messageId=${path(bodyId.data.messageId)}`
        : undefined);
    if (!messagePath)
      throw new CpmsCallError('cpms_bad_answer', `longship ${operation}: a 202 without a message to follow`);
    const { startConfirmMs } = this.settings.timeouts;
    const deadline = this.deps.now().getTime() + startConfirmMs;
    const every = Math.min(1000, Math.max(20, Math.floor(startConfirmMs / 20)));
    while (!this.closed) {
      const polled = await this.http.request({
        operation,
        method: 'GET',
        path: messagePath,
        safeToRepeat: true,
      });
      const message = longshipMessageSchema.safeParse(polled.body);
      if (polled.status === 200 && message.success) {
        const status = message.data.status.toLowerCase();
        if (status === 'accepted') return 'accepted';
        if (status === 'rejected') return 'rejected';
      }
      if (this.deps.now().getTime() + every > deadline) return 'unconfirmed';
      await sleep(every);
    }
    return 'unconfirmed';
  }

  private async sessionOf(request: StationSessionRequest): Promise<LongshipSession | undefined> {
    if (request.cpmsSessionId) {
      const answer = await this.http.request({
        operation: 'get_session',
        method: 'GET',
        path: `/v1/sessions/${path(request.cpmsSessionId)}`,
        safeToRepeat: true,
      });
      if (answer.status === 404) return undefined;
      return this.parse(longshipSessionSchema, answer, 'get_session');
    }
    return this.findSessionByIdTag(request.target.chargePointId, idTagFor(request.chargeId));
  }

  private async findSessionByIdTag(
    chargePointId: string,
    idTag: string,
  ): Promise<LongshipSession | undefined> {
    const sessions = await this.list(
      `/v1/sessions?chargepointid=${path(chargePointId)}&idtag=${path(idTag)}`,
      'list_sessions',
      longshipSessionSchema,
    );
    return sessions.filter((session) => session.idTag === idTag).at(-1);
  }

  private async chargePointStatus(chargePointId: string): Promise<LongshipChargePointStatus | undefined> {
    const statuses = await this.list(
      `/v1/chargepointstatus?chargepointid=${path(chargePointId)}`,
      'charge_point_status',
      longshipChargePointStatusSchema,
    );
    return statuses.find((status) => status.chargePointId === chargePointId);
  }

  /** Follows `Link: <...>; rel="next"` pages. */
  private async list<T>(first: string, operation: string, schema: z.ZodType<T>): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = first;
    for (let page = 0; next && page < MAX_PAGES; page += 1) {
      const answer = await this.http.request({ operation, method: 'GET', path: next, safeToRepeat: true });
      if (answer.status === 404) return items;
      items.push(...this.parse(z.array(schema), answer, operation));
      next = nextLinkOf(answer.headers.get('link'));
    }
    return items;
  }

  private parse<T>(schema: z.ZodType<T>, answer: CpmsResponse, operation: string): T {
    if (answer.status >= 400) {
      const refusal = longshipRefusal(answer.status, answer.body);
      throw new CpmsCallError(refusal.code, `longship ${operation}: ${refusal.message}`, answer.status);
    }
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success)
      throw new CpmsCallError('cpms_bad_answer', `longship ${operation}: an answer of an unexpected shape`);
    return parsed.data;
  }
}

export const longshipAdapterFactory: StationAdapterFactory = (settings, deps) => {
  if (settings.adapterType !== 'longship')
    throw new Error(`longshipAdapterFactory got ${settings.adapterType} settings`);
  return new LongshipAdapter(settings, deps);
};
