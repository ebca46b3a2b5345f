import { CpmsUnavailableError, type CpmsSessionView } from '../../src/integrations/cpms/cpms-adapter';
import type {
  AdapterHealthSnapshot,
  AdapterState,
  ConnectorStatusObservation,
  CpmsTarget,
  ObservationSink,
  StationAdapter,
  StationAdapterFactory,
  StationAdapterSettings,
  StationAdapterType,
  StationTestResult,
} from '../../src/integrations/cpms/station-adapter';

export interface FakeCall {
  adapterType: StationAdapterType;
  kind: 'start' | 'stop' | 'get' | 'test' | 'poll';
  chargeId?: string;
  target?: CpmsTarget;
  cpmsSessionId?: string | null;
  chargePointIds?: readonly string[];
  /** The baseUrl of the settings the adapter that took the call was built with. */
  baseUrl: string;
}

/**
 * A CPMS behind the StationAdapter contract, in memory, recording every call and every adapter the
 * registry builds and closes. Sessions start at once (STARTED) and stop at once (STOPPED) unless told
 * otherwise.
 */
export class FakeStationCpms {
  readonly calls: FakeCall[] = [];
  readonly built: StationAdapterSettings[] = [];
  closed = 0;
  readonly sessions = new Map<string, CpmsSessionView>();
  startAnswer: 'accept' | 'refuse' | 'unavailable' = 'accept';
  testAnswer: 'ok' | 'auth_failed' | 'unavailable' = 'ok';
  pollAnswer: ConnectorStatusObservation[] = [];
  state: AdapterState = 'up';
  /** The sink the last adapter was given: what a push from the CPMS would call. */
  sink: ObservationSink | undefined;

  factory: StationAdapterFactory = (settings, deps) => {
    this.built.push(settings);
    this.sink = deps.sink;
    const { adapterType, baseUrl } = settings;
    const record = (call: Omit<FakeCall, 'adapterType' | 'baseUrl'>) =>
      this.calls.push({ ...call, adapterType, baseUrl });
    const adapter: StationAdapter = {
      adapterType,
      startSession: async ({ chargeId, target }) => {
        record({ kind: 'start', chargeId, target });
        if (this.startAnswer === 'unavailable') throw new CpmsUnavailableError('fake CPMS answered 503');
        if (this.startAnswer === 'refuse') return { outcome: 'refused', reason: 'connector_busy' };
        const cpmsSessionId = `fake-${chargeId}`;
        this.sessions.set(chargeId, { cpmsSessionId, status: 'STARTED' });
        return { outcome: 'accepted', cpmsSessionId };
      },
      stopSession: async ({ chargeId, target, cpmsSessionId }) => {
        record({ kind: 'stop', chargeId, target, cpmsSessionId });
        const session = this.sessions.get(chargeId);
        if (session) this.sessions.set(chargeId, { ...session, status: 'STOPPED' });
        return { outcome: 'accepted' };
      },
      getSession: async ({ chargeId, target, cpmsSessionId }) => {
        record({ kind: 'get', chargeId, target, cpmsSessionId });
        return this.sessions.get(chargeId);
      },
      testStation: async (target): Promise<StationTestResult> => {
        record({ kind: 'test', target });
        if (this.testAnswer === 'unavailable') throw new CpmsUnavailableError('fake CPMS timed out');
        if (this.testAnswer === 'auth_failed')
          return {
            ok: false,
            adapterType,
            latencyMs: 3,
            error: { code: 'cpms_auth_failed', message: 'the CPMS refused the credentials', httpStatus: 401 },
          };
        return {
          ok: true,
          adapterType,
          latencyMs: 2,
          found: {
            chargePointId: target.chargePointId,
            connectivity: 'online',
            connectors: [{ connectorNumber: target.connectorNumber, status: 'Available' }],
          },
        };
      },
      pollConnectorStatuses: async (chargePointIds) => {
        record({ kind: 'poll', chargePointIds });
        return this.pollAnswer.filter((observation) => chargePointIds.includes(observation.chargePointId));
      },
      health: (): AdapterHealthSnapshot => ({
        adapterType,
        state: this.state,
        lastSuccessAt: null,
        lastError:
          this.state === 'up'
            ? null
            : { at: deps.now().toISOString(), code: 'cpms_5xx', message: 'HTTP 503' },
        latencyMs: { p50: 2, p95: 3, p99: 3 },
        errorRate: this.state === 'up' ? 0 : 1,
        requestsInWindow: this.calls.length,
        circuit: this.state === 'down' ? 'open' : 'closed',
        tokenExpiresAt: null,
      }),
      close: async () => {
        this.closed += 1;
      },
    };
    return adapter;
  };

  callsOf(kind: FakeCall['kind'], chargeId?: string): FakeCall[] {
    return this.calls.filter(
      (call) => call.kind === kind && (chargeId === undefined || call.chargeId === chargeId),
    );
  }
}
