import express, { type Request, type Response } from 'express';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { CpmsSessionStatus } from '../../../domain/charge-session/charge-session.events';
import { systemClock, type Clock } from '../../../infrastructure/clock';
import { SimulatorServer, SimulatorTimers } from '../../simulator-kit/serve';

/** How a simulated charge point answers; configurable per station so tests can run side by side. */
export interface StationBehaviour {
  /** `never_confirm` accepts the request and never reports STARTED. */
  start: 'accept' | 'refuse' | 'never_confirm';
  /** `fail` accepts the request, then reports STOP_FAILED and keeps charging. */
  stop: 'accept' | 'fail';
  /** How long the start request takes to answer (a slow CPMS); the session exists from its arrival. */
  startAnswerDelayMs: number;
  /** How long the stop request takes to answer; the stop takes effect from its arrival. */
  stopAnswerDelayMs: number;
  /** From accepting a start to STARTED. */
  confirmDelayMs: number;
  /** From accepting a stop to STOPPED (or STOP_FAILED). */
  stopDelayMs: number;
}

export const DEFAULT_BEHAVIOUR: StationBehaviour = {
  start: 'accept',
  stop: 'accept',
  startAnswerDelayMs: 0,
  stopAnswerDelayMs: 0,
  confirmDelayMs: 50,
  stopDelayMs: 50,
};

export interface SimulatedSession {
  sessionId: string;
  reference: string;
  stationId: string;
  connectorId: string;
  status: CpmsSessionStatus;
  startedAt: string | null;
  stoppedAt: string | null;
}

export interface SimulatorCall {
  kind: 'start' | 'stop';
  reference: string;
}

const BODY_LIMIT = '16kb';

/**
 * A charge point management system on real HTTP (loopback), speaking the Longship/Corpay session
 * vocabulary: starts are asynchronous (WAITING_TO_START, then STARTED after a delay), stops likewise.
 * The gateway polls GET /v1/sessions/{reference}; see docs/decisions/0010-charges-and-tariffs.md.
 */
export class CpmsSimulator {
  private readonly sessions = new Map<string, SimulatedSession>();
  private readonly behaviours = new Map<string, StationBehaviour>();
  private readonly timers = new SimulatorTimers();
  private readonly recorded: SimulatorCall[] = [];
  private readonly server = new SimulatorServer();
  private defaultBehaviour: StationBehaviour = DEFAULT_BEHAVIOUR;

  constructor(private readonly options: { token: string; clock?: Clock } = { token: randomUUID() }) {}

  get token(): string {
    return this.options.token;
  }

  /** Behaviour for one station (or, without a station, for every station not configured). */
  configure(behaviour: Partial<StationBehaviour>, stationId?: string): void {
    if (stationId === undefined) this.defaultBehaviour = { ...this.defaultBehaviour, ...behaviour };
    else this.behaviours.set(stationId, { ...this.behaviourOf(stationId), ...behaviour });
  }

  session(reference: string): SimulatedSession | undefined {
    const session = this.sessions.get(reference);
    return session && { ...session };
  }

  /** Every start and stop request received, in order (repeats included). */
  calls(reference?: string): SimulatorCall[] {
    return this.recorded.filter((call) => reference === undefined || call.reference === reference);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(this.app(), port, host);
  }

  async close(): Promise<void> {
    this.timers.clear();
    await this.server.close();
  }

  private behaviourOf(stationId: string): StationBehaviour {
    return this.behaviours.get(stationId) ?? this.defaultBehaviour;
  }

  private now(): string {
    return (this.options.clock ?? systemClock).now().toISOString();
  }

  private authorized(req: Request): boolean {
    const expected = Buffer.from(`Bearer ${this.options.token}`);
    const given = Buffer.from(req.get('authorization') ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private app() {
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: BODY_LIMIT }));
    app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
    app.use((req, res, next) => {
      if (this.authorized(req)) return next();
      res.status(401).json({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
    });
    app.post('/v1/sessions', (req, res) => this.start(req, res));
    app.post('/v1/sessions/:reference/stop', (req, res) => this.stop(req, res));
    app.get('/v1/sessions/:reference', (req, res) => {
      const session = this.sessions.get(req.params.reference as string);
      if (!session) return void res.status(404).json({ code: 'NOT_FOUND', message: 'no such session' });
      res.json(session);
    });
    return app;
  }

  private start(req: Request, res: Response): void {
    const { reference, stationId, connectorId } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof reference !== 'string' || typeof stationId !== 'string' || typeof connectorId !== 'string') {
      res
        .status(400)
        .json({ code: 'BAD_REQUEST', message: 'reference, stationId and connectorId are required' });
      return;
    }
    this.recorded.push({ kind: 'start', reference });
    const existing = this.sessions.get(reference);
    if (existing) return void res.status(202).json(existing);
    const behaviour = this.behaviourOf(stationId);
    const answer = (status: number, body: unknown) =>
      behaviour.startAnswerDelayMs > 0
        ? this.timers.later(behaviour.startAnswerDelayMs, () => void res.status(status).json(body))
        : void res.status(status).json(body);
    if (behaviour.start === 'refuse') {
      answer(409, { code: 'START_REFUSED', message: `connector ${connectorId} is not available` });
      return;
    }
    const session: SimulatedSession = {
      sessionId: `sim_${randomUUID()}`,
      reference,
      stationId,
      connectorId,
      status: 'WAITING_TO_START',
      startedAt: null,
      stoppedAt: null,
    };
    this.sessions.set(reference, session);
    if (behaviour.start === 'accept') {
      this.timers.later(behaviour.confirmDelayMs, () => {
        if (session.status !== 'WAITING_TO_START') return;
        session.status = 'STARTED';
        session.startedAt = this.now();
      });
    }
    answer(202, { ...session });
  }

  private stop(req: Request, res: Response): void {
    const reference = req.params.reference as string;
    this.recorded.push({ kind: 'stop', reference });
    const session = this.sessions.get(reference);
    if (!session) return void res.status(404).json({ code: 'NOT_FOUND', message: 'no such session' });
    const behaviour = this.behaviourOf(session.stationId);
    const answer = () =>
      behaviour.stopAnswerDelayMs > 0
        ? this.timers.later(behaviour.stopAnswerDelayMs, () => void res.status(202).json({ ...session }))
        : void res.status(202).json({ ...session });
    if (session.status === 'WAITING_TO_START') {
      // Cancelled before the charge point confirmed: it never starts.
      session.status = 'STOPPED';
      session.stoppedAt = this.now();
      return answer();
    }
    if (session.status !== 'STARTED') return answer();
    session.status = 'WAITING_TO_STOP';
    this.timers.later(behaviour.stopDelayMs, () => {
      if (session.status !== 'WAITING_TO_STOP') return;
      if (behaviour.stop === 'fail') {
        session.status = 'STOP_FAILED';
        return;
      }
      session.status = 'STOPPED';
      session.stoppedAt = this.now();
    });
    answer();
  }
}
