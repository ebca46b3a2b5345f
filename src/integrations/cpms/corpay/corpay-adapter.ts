import { Registry } from 'prom-client';
import { silentLogger } from '../../../infrastructure/logging/logger';
import type { CpmsSessionView, StartSessionResult, StopSessionResult } from '../cpms-adapter';
import { CpmsCallError } from '../http/cpms-call-error';
import { CpmsHttpClient, type CpmsResponse } from '../http/cpms-http-client';
import { idTagFor } from '../id-tag';
import type {
  AdapterHealthSnapshot,
  ConnectorStatusObservation,
  CpmsTarget,
  StationAdapter,
  StationAdapterDeps,
  StationAdapterFactory,
  StationAdapterSettings,
  StationSessionRequest,
  StationStartRequest,
  StationTestResult,
} from '../station-adapter';
import {
  corpayErrorOf,
  corpayRefusal,
  corpaySessionAnswerSchema,
  corpayStartAnswerSchema,
  energyWhOf,
  type CorpaySession,
} from './corpay-api';
import { corpayStopRequest } from './corpay-stop';
import { CorpayTokenSource } from './corpay-token-source';

type CorpaySettings = Extract<StationAdapterSettings, { adapterType: 'corpay' }>;

/** Statuses after which there is nothing left to stop. */
const STOPPED_OR_STOPPING = new Set(['WAITING_TO_STOP', 'STOPPED', 'COMPLETE', 'FAILED']);

class CorpayAdapter implements StationAdapter {
  readonly adapterType = 'corpay' as const;
  private readonly http: CpmsHttpClient;
  private readonly tokens: CorpayTokenSource;

  constructor(
    settings: CorpaySettings,
    private readonly deps: StationAdapterDeps,
  ) {
    const { credentials } = settings;
    this.tokens = new CorpayTokenSource(
      () => this.http,
      credentials,
      () => deps.now().getTime(),
    );
    this.http = new CpmsHttpClient({
      adapterType: 'corpay',
      settings,
      registry: deps.registry ?? new Registry(),
      logger: deps.logger ?? silentLogger(),
      now: deps.now,
      secrets: () => [credentials.clientSecret, ...(this.tokens.current ? [this.tokens.current] : [])],
      errorOf: corpayErrorOf,
      renewsCredentials: true,
      authorize: async (rejected) => {
        const refused = rejected?.authorization?.replace(/^Bearer /, '');
        return { authorization: `Bearer ${await this.tokens.bearer(refused)}` };
      },
    });
  }

  /**
   * Starts are asynchronous: Corpay answers a session id at once and the session goes WAITING_TO_START
   * -> STARTED (up to 2 minutes in the field); the charge's start deadline bounds that wait.
   */
  async startSession({ chargeId, target }: StationStartRequest): Promise<StartSessionResult> {
    if (!target.cpmsConnectorId) {
      return { outcome: 'refused', reason: 'connector_not_mapped: the mapping names no Corpay connector id' };
    }
    const answer = await this.http.request({
      operation: 'start_session',
      method: 'POST',
      path: '/sessions/start',
      json: { connectorId: target.cpmsConnectorId, keyIdentifier: idTagFor(chargeId) },
      safeToRepeat: false,
    });
    if (answer.status >= 400) {
      const refusal = corpayRefusal(answer.status, answer.body);
      return { outcome: 'refused', reason: `${refusal.code}: ${refusal.message}` };
    }
    const started = corpayStartAnswerSchema.safeParse(answer.body);
    if (!started.success)
      throw new CpmsCallError('cpms_bad_answer', 'corpay start_session: an answer without a session id');
    return { outcome: 'accepted', cpmsSessionId: started.data.sessionId };
  }

  async stopSession(request: StationSessionRequest): Promise<StopSessionResult> {
    if (!request.cpmsSessionId)
      return { outcome: 'refused', reason: 'session_not_found: no Corpay session id for this charge' };
    const session = await this.session(request.cpmsSessionId);
    if (!session) return { outcome: 'refused', reason: 'session_not_found: Corpay knows no such session' };
    if (STOPPED_OR_STOPPING.has(session.sessionStatus)) return { outcome: 'accepted' };
    const answer = await this.http.request(corpayStopRequest(request.cpmsSessionId));
    if (answer.status >= 400) {
      const refusal = corpayRefusal(answer.status, answer.body);
      return { outcome: 'refused', reason: `${refusal.code}: ${refusal.message}` };
    }
    return { outcome: 'accepted' };
  }

  /** Corpay finds sessions by their id only: without one (a start never answered) there is nothing to ask. */
  async getSession(request: StationSessionRequest): Promise<CpmsSessionView | undefined> {
    if (!request.cpmsSessionId) return undefined;
    const session = await this.session(request.cpmsSessionId);
    if (!session) return undefined;
    const energyWh = energyWhOf(session.energy);
    return {
      cpmsSessionId: request.cpmsSessionId,
      status: session.sessionStatus,
      ...(energyWh === undefined ? {} : { energyWh }),
    };
  }

  /**
   * Corpay's session API has no charge point or connector status call: the test proves the
   * credentials (a token is issued) and says so; it cannot vouch for the charge point.
   */
  async testStation(target: CpmsTarget): Promise<StationTestResult> {
    const started = this.deps.now().getTime();
    const latencyMs = () => this.deps.now().getTime() - started;
    if (!target.cpmsConnectorId) {
      return {
        ok: false,
        adapterType: 'corpay',
        latencyMs: 0,
        error: { code: 'connector_not_mapped', message: 'the mapping names no Corpay connector id' },
      };
    }
    try {
      await this.tokens.bearer();
      return { ok: true, adapterType: 'corpay', latencyMs: latencyMs() };
    } catch (error) {
      if (!(error instanceof CpmsCallError)) throw error;
      return {
        ok: false,
        adapterType: 'corpay',
        latencyMs: latencyMs(),
        error: {
          code: error.code,
          message: error.message,
          ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}),
        },
      };
    }
  }

  /** Nothing to poll: Corpay's session API reports no connector statuses (see testStation). */
  pollConnectorStatuses(): Promise<ConnectorStatusObservation[]> {
    return Promise.resolve([]);
  }

  health(): AdapterHealthSnapshot {
    return this.http.health(this.tokens.expiresAt);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async session(sessionId: string): Promise<CorpaySession | undefined> {
    const answer: CpmsResponse = await this.http.request({
      operation: 'get_session',
      method: 'GET',
      path: `/sessions/${encodeURIComponent(sessionId)}`,
      safeToRepeat: true,
    });
    if (answer.status === 404) return undefined;
    if (answer.status >= 400) {
      const refusal = corpayRefusal(answer.status, answer.body);
      throw new CpmsCallError(refusal.code, `corpay get_session: ${refusal.message}`, answer.status);
    }
    const parsed = corpaySessionAnswerSchema.safeParse(answer.body);
    if (!parsed.success)
      throw new CpmsCallError('cpms_bad_answer', 'corpay get_session: an answer of an unexpected shape');
    return parsed.data.session ?? { sessionStatus: 'UNKNOWN' };
  }
}

export const corpayAdapterFactory: StationAdapterFactory = (settings, deps) => {
  if (settings.adapterType !== 'corpay')
    throw new Error(`corpayAdapterFactory got ${settings.adapterType} settings`);
  return new CorpayAdapter(settings, deps);
};
