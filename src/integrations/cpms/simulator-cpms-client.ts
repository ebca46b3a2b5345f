import {
  CPMS_SESSION_STATUSES,
  type CpmsSessionStatus,
} from '../../domain/charge-session/charge-session.events';
import {
  CpmsUnavailableError,
  type CpmsAdapter,
  type CpmsSessionView,
  type StartSessionResult,
  type StopSessionResult,
} from './cpms-adapter';

export interface SimulatorClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const isStatus = (value: unknown): value is CpmsSessionStatus =>
  typeof value === 'string' && (CPMS_SESSION_STATUSES as readonly string[]).includes(value);

const messageOf = (answer: Answer): string =>
  typeof answer.body.message === 'string' ? answer.body.message : `HTTP ${answer.status}`;

/** The CPMS port over HTTP to the simulator (src/integrations/cpms/simulator). */
export const simulatorCpmsClient = (options: SimulatorClientOptions): CpmsAdapter => {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    let response: globalThis.Response;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new CpmsUnavailableError(`CPMS ${method} ${path} failed: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    const answer = { status: response.status, body: (parsed ?? {}) as Record<string, unknown> };
    if (answer.status >= 500 || answer.status === 401 || answer.status === 429) {
      throw new CpmsUnavailableError(
        `CPMS ${method} ${path} answered ${answer.status}: ${messageOf(answer)}`,
      );
    }
    return answer;
  };

  const sessionPath = (chargeId: string) => `/v1/sessions/${encodeURIComponent(chargeId)}`;

  return {
    name: 'simulator',

    async startSession(request): Promise<StartSessionResult> {
      const answer = await call('POST', '/v1/sessions', {
        reference: request.chargeId,
        stationId: request.stationId,
        connectorId: request.connectorId,
        ...(request.evseId ? { evseId: request.evseId } : {}),
      });
      if (answer.status === 202 || answer.status === 200 || answer.status === 201) {
        const sessionId = answer.body.sessionId;
        return { outcome: 'accepted', cpmsSessionId: typeof sessionId === 'string' ? sessionId : null };
      }
      return { outcome: 'refused', reason: messageOf(answer) };
    },

    async stopSession(request): Promise<StopSessionResult> {
      const answer = await call('POST', `${sessionPath(request.chargeId)}/stop`, {});
      // An unknown session has nothing left to stop.
      if (answer.status === 202 || answer.status === 200 || answer.status === 404)
        return { outcome: 'accepted' };
      return { outcome: 'refused', reason: messageOf(answer) };
    },

    async getSession({ chargeId }): Promise<CpmsSessionView | undefined> {
      const answer = await call('GET', sessionPath(chargeId));
      if (answer.status === 404) return undefined;
      const { status, sessionId } = answer.body;
      if (answer.status !== 200 || !isStatus(status)) {
        throw new CpmsUnavailableError(`CPMS session ${chargeId}: unexpected answer ${answer.status}`);
      }
      return { status, cpmsSessionId: typeof sessionId === 'string' ? sessionId : null };
    },

    async ping(): Promise<void> {
      const answer = await call('GET', '/health');
      if (answer.status !== 200) throw new CpmsUnavailableError(`CPMS health answered ${answer.status}`);
    },
  };
};
