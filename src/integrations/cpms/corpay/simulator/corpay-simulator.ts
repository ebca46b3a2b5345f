import express, { type Express, type Request, type Response } from 'express';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { FaultPlan } from '../../simulator-kit/faults';
import { SimulatorServer, SimulatorTimers } from '../../../simulator-kit/serve';
import { CORPAY_TOKEN_PATH } from '../corpay-api';
import {
  DEFAULT_CORPAY_BEHAVIOUR,
  corpaySessionView,
  type CorpayBehaviour,
  type SimulatedCorpaySession,
} from './corpay-simulator-state';

export interface CorpaySimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of the access tokens it issues, seconds (short in tests, to see them expire). */
  tokenLifetimeSeconds?: number;
  now?: () => number;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const apiError = (code: string, message: string) => ({ code, message });

/**
 * The Corpay (Drive) session API on real HTTP: OAuth2 client credentials with expiring tokens,
 * asynchronous starts and stops, energy that grows while a session runs, connectors refused within
 * the busy window, STOP_FAILED that does not hold the connector, and injected failures.
 */
export class CorpaySimulator {
  readonly faults = new FaultPlan();
  private readonly tokens = new Map<string, number>();
  private readonly sessions = new Map<string, SimulatedCorpaySession>();
  private readonly connectors = new Map<string, { lastStartAt: number | null }>();
  private readonly timers = new SimulatorTimers();
  private readonly server = new SimulatorServer();
  private readonly received: string[] = [];
  private behaviour: CorpayBehaviour = DEFAULT_CORPAY_BEHAVIOUR;
  private tokensIssued = 0;
  private refusedTokens = 0;
  private refusedUnknownTokens = 0;
  private readonly issued: string[] = [];

  constructor(private readonly options: CorpaySimulatorOptions) {}

  configure(behaviour: Partial<CorpayBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  addConnector(connectorId: string): void {
    this.connectors.set(connectorId, { lastStartAt: null });
  }

  /**
   * The charger starts, late, every session left in WAITING_TO_START (`start: 'never'`): the field's
   * start that comes after the caller gave up. Answers how many started.
   */
  startWaitingSessions(): number {
    const waiting = [...this.sessions.values()].filter((session) => session.status === 'WAITING_TO_START');
    for (const session of waiting) {
      session.status = 'STARTED';
      session.startedAtMs = this.nowMs();
    }
    return waiting.length;
  }

  /** Every token issued so far stops working (a 401 mid-session). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  get issuedTokens(): number {
    return this.tokensIssued;
  }

  /** Every access token issued (for tests that look for them where they must not be). */
  issuedTokenValues(): string[] {
    return [...this.issued];
  }

  /** API calls answered 401 for a missing, unknown or expired token. */
  get unauthorizedCalls(): number {
    return this.refusedTokens;
  }

  /** Of those, the calls with a missing or unknown token (one revoked by `revokeTokens`), not an expired one. */
  get unknownTokenCalls(): number {
    return this.refusedUnknownTokens;
  }

  /** Every request received (failed ones included), in order (`POST /sessions/start`). */
  requests(filter?: RegExp): string[] {
    return this.received.filter((line) => !filter || filter.test(line));
  }

  session(sessionId: string) {
    const session = this.sessions.get(sessionId);
    return session && corpaySessionView(session, this.nowMs(), this.behaviour);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(this.app(), port, host);
  }

  async close(): Promise<void> {
    this.timers.clear();
    this.faults.clear();
    await this.server.close();
  }

  private nowMs(): number {
    return this.options.now?.() ?? Date.now();
  }

  private app(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '4kb' }));
    app.use((req, _res, next) => {
      this.received.push(`${req.method} ${req.path}`);
      next();
    });
    app.use(this.faults.middleware((status) => apiError(`HTTP_${status}`, `HTTP ${status}`)));
    app.post(CORPAY_TOKEN_PATH, (req, res) => this.issueToken(req, res));
    app.use((req, res, next) => {
      const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      const expiresAt = bearer === undefined ? undefined : this.tokens.get(bearer);
      if (expiresAt === undefined || expiresAt <= this.nowMs()) {
        this.refusedTokens += 1;
        if (expiresAt === undefined) this.refusedUnknownTokens += 1;
        return void res
          .status(401)
          .json(apiError('UNAUTHORIZED', 'The access token is missing, invalid or expired.'));
      }
      next();
    });
    app.post('/sessions/start', (req, res) => this.start(req, res));
    app.get('/sessions/:id', (req, res) => {
      const view = this.session(String(req.params.id));
      if (!view) return void res.status(404).json(apiError('SESSION_NOT_FOUND', 'Session not found.'));
      res.json(view);
    });
    app.post('/sessions/:id/stop', (req, res) => this.stop(req, res));
    return app;
  }

  private issueToken(req: Request, res: Response): void {
    const form = (req.body ?? {}) as Record<string, unknown>;
    if (form.grant_type !== 'client_credentials') {
      return void res
        .status(400)
        .json({ error: 'unsupported_grant_type', error_description: 'Only client_credentials.' });
    }
    const valid =
      typeof form.client_id === 'string' &&
      typeof form.client_secret === 'string' &&
      sameSecret(form.client_id, this.options.clientId) &&
      sameSecret(form.client_secret, this.options.clientSecret);
    if (!valid)
      return void res
        .status(401)
        .json({ error: 'invalid_client', error_description: 'Invalid client credentials' });
    const lifetime = this.options.tokenLifetimeSeconds ?? 300;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.nowMs() + lifetime * 1000);
    this.tokensIssued += 1;
    this.issued.push(token);
    res.json({ access_token: token, token_type: 'Bearer', expires_in: lifetime, scope: 'sessions' });
  }

  private start(req: Request, res: Response): void {
    const { connectorId, keyIdentifier } = (req.body ?? {}) as Record<string, unknown>;
    if (
      typeof connectorId !== 'string' ||
      typeof keyIdentifier !== 'string' ||
      !connectorId ||
      !keyIdentifier
    ) {
      return void res
        .status(400)
        .json(apiError('INVALID_REQUEST', 'connectorId and keyIdentifier are required.'));
    }
    const connector = this.connectors.get(connectorId);
    if (!connector) return void res.status(404).json(apiError('CONNECTOR_NOT_FOUND', 'Unknown connector.'));
    const now = this.nowMs();
    const occupied = [...this.sessions.values()].some(
      (session) =>
        session.connectorId === connectorId &&
        ['CREATED', 'WAITING_TO_START', 'STARTED', 'WAITING_TO_STOP'].includes(session.status),
    );
    if (
      occupied ||
      (connector.lastStartAt !== null && now - connector.lastStartAt < this.behaviour.busyWindowMs)
    ) {
      return void res
        .status(409)
        .json(apiError('CONNECTOR_BUSY', 'A session was started on this connector moments ago.'));
    }
    if (this.behaviour.start === 'refuse') {
      return void res.status(422).json(apiError('START_REFUSED', 'The charger refused the start.'));
    }
    connector.lastStartAt = now;
    const session: SimulatedCorpaySession = {
      sessionId: randomBytes(16).toString('base64'),
      id: randomUUID().replace(/-/g, '').slice(0, 11),
      connectorId,
      keyIdentifier,
      status: 'WAITING_TO_START',
      startedAtMs: null,
      stoppedAtMs: null,
      powerKw: this.behaviour.powerKw,
    };
    this.sessions.set(session.sessionId, session);
    const outcome = this.behaviour.start;
    if (outcome !== 'never') {
      this.timers.later(this.behaviour.startConfirmDelayMs, () => {
        if (session.status !== 'WAITING_TO_START') return;
        if (outcome === 'fail') return void (session.status = 'FAILED');
        session.status = 'STARTED';
        session.startedAtMs = this.nowMs();
      });
    }
    res.status(201).json({ sessionId: session.sessionId });
  }

  private stop(req: Request, res: Response): void {
    const session = this.sessions.get(String(req.params.id));
    if (!session) return void res.status(404).json(apiError('SESSION_NOT_FOUND', 'Session not found.'));
    if (session.status !== 'STARTED' && session.status !== 'STOP_FAILED') {
      return void res
        .status(409)
        .json(apiError('SESSION_NOT_STOPPABLE', `The session is ${session.status}.`));
    }
    session.status = 'WAITING_TO_STOP';
    const outcome = this.behaviour.stop;
    const delay = this.behaviour.stopDelayMs;
    this.timers.later(delay, () => {
      if (outcome === 'fail') return void (session.status = 'STOP_FAILED');
      session.status = 'STOPPED';
      session.stoppedAtMs = this.nowMs();
      this.timers.later(delay, () => void (session.status = 'COMPLETE'));
    });
    res.status(202).json({ sessionId: session.sessionId, sessionStatus: session.status });
  }
}
