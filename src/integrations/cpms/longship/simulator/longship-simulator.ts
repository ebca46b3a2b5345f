import express, { type Express, type Request, type Response } from 'express';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { FaultPlan } from '../../simulator-kit/faults';
import { answerPage } from '../../simulator-kit/link-paging';
import { SimulatorServer, SimulatorTimers } from '../../../simulator-kit/serve';
import type { OcppConnectorStatus } from '../../station-adapter';
import {
  LONGSHIP_APPLICATION_KEY_HEADER,
  LONGSHIP_TENANT_KEY_HEADER,
  type LongshipError,
} from '../longship-api';
import { LongshipPusher, type PushRecord } from './longship-pusher';
import {
  DEFAULT_LONGSHIP_BEHAVIOUR,
  energyWhOf,
  sessionView,
  type LongshipBehaviour,
  type SimulatedChargePoint,
  type SimulatedLongshipSession,
  type SimulatedMessage,
} from './longship-simulator-state';

export interface LongshipSimulatorOptions {
  tenantKey: string;
  applicationKey: string;
  /** Where pushes go (CloudEvents 1.0 with the header secret); no pushes without it. */
  webhook?: { url: string; secret: string };
  /** Items per page of the list endpoints (paging by `Link`). */
  pageSize?: number;
  /** false: `GET /v1/sessions` ignores `idtag` (the filter is not one Longship documents for sure). */
  honoursIdTagFilter?: boolean;
  now?: () => number;
}

const sameSecret = (given: string | undefined, expected: string): boolean => {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const longshipErrorBody = (code: string, message: string): LongshipError => ({
  code,
  errorDetails: { message, referenceId: randomUUID() },
});

const STATUS_CODES: Record<number, string> = {
  401: 'Unauthorized',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * Longship's CPMS API v1 on real HTTP: remote start/stop answered 202 with a message to poll, sessions
 * whose energy grows while they run, charge point statuses, and CloudEvents pushes (which can be held
 * and released out of order). Auth and injected failures answer in Longship's error shape.
 */
export class LongshipSimulator {
  readonly faults = new FaultPlan();
  private readonly chargePoints = new Map<string, SimulatedChargePoint>();
  private readonly sessions = new Map<string, SimulatedLongshipSession>();
  private readonly messages = new Map<string, SimulatedMessage>();
  private readonly timers = new SimulatorTimers();
  private readonly server = new SimulatorServer();
  private readonly pusher: LongshipPusher;
  private readonly heldStarts: (() => void)[] = [];
  private behaviour: LongshipBehaviour = DEFAULT_LONGSHIP_BEHAVIOUR;
  private nextTransactionId = 1000;
  private baseUrl = '';
  private readonly received: { method: string; path: string }[] = [];

  constructor(private readonly options: LongshipSimulatorOptions) {
    this.pusher = new LongshipPusher(options.webhook);
  }

  /**
   * The charge points start, late, every start left unconfirmed (`startConfirm: 'never'`): the field's
   * start that comes after the caller gave up. Answers how many started.
   */
  confirmHeldStarts(): number {
    const held = this.heldStarts.splice(0);
    for (const begin of held) begin();
    return held.length;
  }

  configure(behaviour: Partial<LongshipBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  addChargePoint(id: string, connectorCount = 2, connectivity: 'ONLINE' | 'OFFLINE' = 'ONLINE'): void {
    const at = this.isoNow();
    const connectors = new Map(
      Array.from({ length: connectorCount }, (_, index) => [
        index + 1,
        {
          status: 'Available' as OcppConnectorStatus,
          statusUpdated: at,
          lastStartAt: null,
          meterWh: 100_000,
        },
      ]),
    );
    this.chargePoints.set(id, { id, connectivity, connectivityUpdated: at, connectors });
  }

  /** Sets a connector's status and pushes OperationalStatusChanged with the given source time. */
  setConnectorStatus(
    chargePointId: string,
    connectorNumber: number,
    status: OcppConnectorStatus,
    at = this.isoNow(),
  ): void {
    const connector = this.chargePoints.get(chargePointId)?.connectors.get(connectorNumber);
    if (!connector) throw new Error(`no connector ${chargePointId}/${connectorNumber}`);
    connector.status = status;
    connector.statusUpdated = at;
    this.pusher.push('OperationalStatusChanged', { chargePointId, connectorNumber, status }, at);
  }

  setConnectivity(chargePointId: string, status: 'ONLINE' | 'OFFLINE', at = this.isoNow()): void {
    const chargePoint = this.chargePoints.get(chargePointId);
    if (!chargePoint) throw new Error(`no charge point ${chargePointId}`);
    chargePoint.connectivity = status;
    chargePoint.connectivityUpdated = at;
    this.pusher.push('ConnectivityStatusChanged', { chargePointId, status }, at);
  }

  /** Pushes wait until `releasePushes` (to deliver them out of order). */
  holdPushes(): void {
    this.pusher.hold();
  }

  releasePushes(order: 'as_emitted' | 'reversed' = 'as_emitted'): Promise<void> {
    return this.pusher.release(order);
  }

  /** Every request that passed authentication, in order (`POST /v1/chargepoints/CP-1/remotestart`). */
  requests(filter?: RegExp): string[] {
    return this.received
      .map((request) => `${request.method} ${request.path}`)
      .filter((line) => !filter || filter.test(line));
  }

  pushes(): PushRecord[] {
    return this.pusher.records();
  }

  /** Resolves when every push under way has had its answer. */
  settlePushes(): Promise<void> {
    return this.pusher.settled();
  }

  session(id: string) {
    const session = this.sessions.get(id);
    return session && sessionView(session, this.nowMs());
  }

  sessionsOf(idTag: string) {
    return [...this.sessions.values()]
      .filter((session) => session.idTag === idTag)
      .map((session) => sessionView(session, this.nowMs()));
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.baseUrl = await this.server.listen(this.app(), port, host);
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.timers.clear();
    this.faults.clear();
    await this.server.close();
  }

  private nowMs(): number {
    return this.options.now?.() ?? Date.now();
  }

  private isoNow(): string {
    return new Date(this.nowMs()).toISOString();
  }

  private app(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: '16kb' }));
    app.use((req, res, next) => {
      const ok =
        sameSecret(req.get(LONGSHIP_TENANT_KEY_HEADER), this.options.tenantKey) &&
        sameSecret(req.get(LONGSHIP_APPLICATION_KEY_HEADER), this.options.applicationKey);
      if (ok) {
        this.received.push({ method: req.method, path: req.path });
        return next();
      }
      res
        .status(401)
        .json(longshipErrorBody('Unauthorized', 'Access denied due to invalid subscription key or API key.'));
    });
    app.use(
      this.faults.middleware((status) =>
        longshipErrorBody(STATUS_CODES[status] ?? 'Error', `HTTP ${status}`),
      ),
    );
    app.post('/v1/chargepoints/:id/remotestart', (req, res) => this.remoteStart(req, res));
    app.post('/v1/chargepoints/:id/remotestop', (req, res) => this.remoteStop(req, res));
    app.get('/v1/chargepoints/:id/messages', (req, res) => this.message(req, res));
    app.get('/v1/sessions', (req, res) => this.listSessions(req, res));
    app.get('/v1/sessions/:id', (req, res) => {
      const session = this.session(String(req.params.id));
      if (!session)
        return void res.status(404).json(longshipErrorBody('SessionNotFound', 'Session not found.'));
      res.json(session);
    });
    app.get('/v1/chargepointstatus', (req, res) => this.chargePointStatuses(req, res));
    return app;
  }

  private chargePointOr404(req: Request, res: Response): SimulatedChargePoint | undefined {
    const chargePoint = this.chargePoints.get(String(req.params.id));
    if (!chargePoint)
      res.status(404).json(longshipErrorBody('ChargePointNotFound', 'Charge point not found.'));
    return chargePoint;
  }

  private accepted(res: Response, message: SimulatedMessage): void {
    this.messages.set(message.messageId, message);
    const location = `/v1/chargepoints/${encodeURIComponent(message.chargePointId)}/messages?messageId=${message.messageId}`;
    res.status(202).setHeader('Location', location).json({ messageId: message.messageId });
  }

  private remoteStart(req: Request, res: Response): void {
    const chargePoint = this.chargePointOr404(req, res);
    if (!chargePoint) return;
    const body = (req.body ?? {}) as { connectorId?: unknown; idTag?: unknown };
    const connectorId = body.connectorId;
    const idTag = body.idTag;
    if (
      typeof connectorId !== 'number' ||
      !Number.isInteger(connectorId) ||
      typeof idTag !== 'string' ||
      idTag.length < 1 ||
      idTag.length > 20
    ) {
      return void res
        .status(400)
        .json(longshipErrorBody('ValidationError', 'connectorId (integer) and idTag (1..20) are required.'));
    }
    const connector = chargePoint.connectors.get(connectorId);
    if (!connector)
      return void res.status(404).json(longshipErrorBody('ConnectorNotFound', 'Connector not found.'));
    if (chargePoint.connectivity === 'OFFLINE')
      return void res
        .status(409)
        .json(longshipErrorBody('ChargePointOffline', 'The charge point is offline.'));
    const message: SimulatedMessage = {
      messageId: randomUUID(),
      chargePointId: chargePoint.id,
      type: 'RemoteStartTransaction',
      status: 'Pending',
    };
    const now = this.nowMs();
    const busy =
      (connector.lastStartAt !== null && now - connector.lastStartAt < this.behaviour.busyWindowMs) ||
      [...this.sessions.values()].some(
        (session) =>
          session.chargePointId === chargePoint.id &&
          session.connectorNumber === connectorId &&
          session.status === 'ACTIVE',
      );
    const outcome = busy ? 'reject' : this.behaviour.startConfirm;
    if (!busy) connector.lastStartAt = now;
    this.accepted(res, message);
    if (outcome === 'never') {
      this.heldStarts.push(() => {
        message.status = 'Accepted';
        this.beginSession(chargePoint, connectorId, idTag);
      });
      return;
    }
    this.timers.later(this.behaviour.startConfirmDelayMs, () => {
      if (outcome === 'reject') return void (message.status = 'Rejected');
      message.status = 'Accepted';
      this.beginSession(chargePoint, connectorId, idTag);
    });
  }

  private beginSession(chargePoint: SimulatedChargePoint, connectorNumber: number, idTag: string): void {
    const connector = chargePoint.connectors.get(connectorNumber)!;
    const session: SimulatedLongshipSession = {
      id: randomUUID(),
      chargePointId: chargePoint.id,
      connectorNumber,
      idTag,
      transactionId: this.nextTransactionId++,
      status: 'ACTIVE',
      startedAtMs: this.nowMs(),
      stoppedAtMs: null,
      meterStartInWh: connector.meterWh,
      powerKw: this.behaviour.powerKw,
    };
    this.sessions.set(session.id, session);
    this.pusher.push('SessionStart', this.sessionEventData(session), this.isoNow());
    this.setConnectorStatus(chargePoint.id, connectorNumber, 'Charging');
    this.scheduleUpdates(session);
  }

  private scheduleUpdates(session: SimulatedLongshipSession): void {
    const interval = this.behaviour.sessionUpdateIntervalMs;
    if (interval <= 0) return;
    this.timers.later(interval, () => {
      if (session.status !== 'ACTIVE') return;
      this.pusher.push('SessionUpdate', this.sessionEventData(session), this.isoNow());
      this.scheduleUpdates(session);
    });
  }

  private sessionEventData(session: SimulatedLongshipSession) {
    return {
      sessionId: session.id,
      chargePointId: session.chargePointId,
      connectorNumber: session.connectorNumber,
      totalEnergyInKwh: energyWhOf(session, this.nowMs()) / 1000,
    };
  }

  private remoteStop(req: Request, res: Response): void {
    const chargePoint = this.chargePointOr404(req, res);
    if (!chargePoint) return;
    const transactionId = (req.body as { transactionId?: unknown } | undefined)?.transactionId;
    if (typeof transactionId !== 'number' && typeof transactionId !== 'string') {
      return void res.status(400).json(longshipErrorBody('ValidationError', 'transactionId is required.'));
    }
    const session = [...this.sessions.values()].find(
      (item) => item.chargePointId === chargePoint.id && String(item.transactionId) === String(transactionId),
    );
    const message: SimulatedMessage = {
      messageId: randomUUID(),
      chargePointId: chargePoint.id,
      type: 'RemoteStopTransaction',
      status: 'Pending',
    };
    this.accepted(res, message);
    this.timers.later(this.behaviour.stopConfirmDelayMs, () => {
      if (!session || session.status !== 'ACTIVE') return void (message.status = 'Rejected');
      message.status = 'Accepted';
      this.endSession(session);
    });
  }

  private endSession(session: SimulatedLongshipSession): void {
    session.stoppedAtMs = this.nowMs();
    session.status = 'COMPLETED';
    const connector = this.chargePoints.get(session.chargePointId)!.connectors.get(session.connectorNumber)!;
    connector.meterWh = session.meterStartInWh + energyWhOf(session, this.nowMs());
    const data = this.sessionEventData(session);
    this.pusher.push('SessionStop', data, this.isoNow());
    this.pusher.push('CdrCreated', { cdrId: randomUUID(), ...data }, this.isoNow());
    this.setConnectorStatus(session.chargePointId, session.connectorNumber, 'Available');
  }

  private message(req: Request, res: Response): void {
    const message = this.messages.get(String(req.query.messageId ?? ''));
    if (!message || message.chargePointId !== req.params.id) {
      return void res.status(404).json(longshipErrorBody('MessageNotFound', 'Message not found.'));
    }
    res.json({ messageId: message.messageId, type: message.type, status: message.status });
  }

  private listSessions(req: Request, res: Response): void {
    const { chargepointid, idtag, status } = req.query;
    const items = [...this.sessions.values()]
      .filter((session) => chargepointid === undefined || session.chargePointId === chargepointid)
      .filter(
        (session) =>
          idtag === undefined || this.options.honoursIdTagFilter === false || session.idTag === idtag,
      )
      .filter((session) => status === undefined || session.status === status)
      .sort((a, b) => a.startedAtMs - b.startedAtMs)
      .map((session) => sessionView(session, this.nowMs()));
    answerPage(req, res, items, this.options.pageSize ?? 50, this.baseUrl);
  }

  private chargePointStatuses(req: Request, res: Response): void {
    const wanted = req.query.chargepointid;
    const items = [...this.chargePoints.values()]
      .filter((chargePoint) => wanted === undefined || chargePoint.id === wanted)
      .map((chargePoint) => ({
        chargePointId: chargePoint.id,
        connectivityStatus: chargePoint.connectivity,
        connectivityStatusUpdated: chargePoint.connectivityUpdated,
        connectors: [...chargePoint.connectors.entries()].map(([connectorNumber, connector]) => ({
          connectorNumber,
          operationalStatus: connector.status,
          operationalStatusUpdated: connector.statusUpdated,
        })),
      }));
    answerPage(req, res, items, this.options.pageSize ?? 50, this.baseUrl);
  }
}
