import type { CpmsRequest } from '../http/cpms-http-client';

/**
 * ASSUMPTION TO CONFIRM (docs/decisions/0028-cpms-adapters.md): the Corpay material at hand has no stop
 * call. Its predecessor, the Plugsurfing Drive API, stops with `POST /sessions/{sessionId}/stop`; this is
 * the one place that says so. A POST that changes the session: never repeated automatically.
 */
export const corpayStopRequest = (sessionId: string): CpmsRequest => ({
  operation: 'stop_session',
  method: 'POST',
  path: `/sessions/${encodeURIComponent(sessionId)}/stop`,
  safeToRepeat: false,
});
