import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../../infrastructure/clock';
import { SimulatorServer } from '../../simulator-kit/serve';
import { FaultQueue, type Fault, type SimulatedOperation } from './fault-queue';
import { errorPage, loginPage, type AuthorizationRequest } from './login-page';
import { paymentRequestRejection } from './payment-request-checks';
import { SimulatedLedger, type SimulatedTransaction } from './simulated-ledger';
import { SimulatedSso, type SimulatedUser } from './simulated-sso';

export interface EdenredSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  paymentClientId?: string;
  paymentClientSecret?: string;
  mid?: string;
  batchNo?: string;
  serviceId?: string;
  terminalNo?: string;
  transactionSource?: string;
  hashSecret?: string;
  accessTokenLifetimeSeconds?: number;
  codeLifetimeSeconds?: number;
  /** How far a tstamp (read as Turkey's time) may be from the simulator's clock. */
  tstampToleranceMs?: number;
  clock?: Clock;
  /** Replaces the default user (the guide's test account). */
  users?: (Partial<SimulatedUser> & { login: string })[];
}

export type { SimulatedOperation } from './fault-queue';

export type EdenredSimulatorSettings = Required<Omit<EdenredSimulatorOptions, 'users' | 'clock'>>;

const secret = () => randomBytes(18).toString('base64url');
const BODY_LIMIT = '16kb';
const TURKEY_OFFSET_MS = 3 * 60 * 60 * 1000;

const turkeyDay = (at: Date) => new Date(at.getTime() + TURKEY_OFFSET_MS).toISOString().slice(0, 10);
const describe = (code: string) => code.replace(/_/g, ' ');
const sameText = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};
const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export const GUIDE_TEST_USER: SimulatedUser = {
  login: 'edps@edps.com',
  password: '258067',
  otp: '123456',
  id: 'edps-user-0001',
  active: true,
  balance: 46_969,
  productClass: 'ETR',
  dailyAmountLimit: 100_000,
  dailyOperationLimit: 10,
  partialAuthorization: false,
};

/**
 * Edenred's SSO and Direct Payment API (Turkey use case) on real HTTP, for tests, the embedded default
 * and `edgepay simulate edenred`: the authorization-code login (a page, or `issueCode` for tests), token
 * expiry, refresh and end of session, balances that go down, daily limits, order_ref duplicates, and every
 * failure injectable (`failNext`, `hangNext`, `recordThenHangNext`). Decision 0029.
 */
export class EdenredSimulator {
  readonly settings: EdenredSimulatorSettings;
  private readonly clock: Clock;
  private readonly users = new Map<string, SimulatedUser>();
  private readonly sso: SimulatedSso;
  private readonly ledger = new SimulatedLedger();
  private readonly faults = new FaultQueue();
  private readonly receivedTransactions: Record<string, unknown>[] = [];
  private held = 0;
  private readonly server = new SimulatorServer();
  private baseUrl = '';

  constructor(options: EdenredSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.settings = {
      clientId: options.clientId ?? 'edgepay-sso-client',
      clientSecret: options.clientSecret ?? secret(),
      paymentClientId: options.paymentClientId ?? 'edgepay-payment-client',
      paymentClientSecret: options.paymentClientSecret ?? secret(),
      mid: options.mid ?? '17',
      batchNo: options.batchNo ?? '1000',
      serviceId: options.serviceId ?? '300051',
      terminalNo: options.terminalNo ?? '17',
      transactionSource: options.transactionSource ?? 'EDGEPAY',
      hashSecret: options.hashSecret ?? secret(),
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3600,
      codeLifetimeSeconds: options.codeLifetimeSeconds ?? 300,
      tstampToleranceMs: options.tstampToleranceMs ?? 10 * 60 * 1000,
    };
    for (const user of options.users ?? [GUIDE_TEST_USER]) this.addUser(user);
    this.sso = new SimulatedSso(
      {
        clientId: this.settings.clientId,
        clientSecret: this.settings.clientSecret,
        accessTokenLifetimeSeconds: this.settings.accessTokenLifetimeSeconds,
        codeLifetimeSeconds: this.settings.codeLifetimeSeconds,
        issuer: () => this.baseUrl,
        clock: this.clock,
      },
      this.users,
    );
  }

  get url(): string {
    return this.baseUrl;
  }

  addUser(init: Partial<SimulatedUser> & { login: string }): SimulatedUser {
    const user: SimulatedUser = { ...GUIDE_TEST_USER, id: `user-${randomBytes(6).toString('hex')}`, ...init };
    this.users.set(user.id, user);
    return { ...user };
  }

  /** A copy of a user, by login or id. */
  user(loginOrId: string): SimulatedUser | undefined {
    const user = this.sso.userByLogin(loginOrId);
    return user && { ...user };
  }

  updateUser(loginOrId: string, patch: Partial<Omit<SimulatedUser, 'id' | 'login'>>): void {
    const user = this.sso.userByLogin(loginOrId);
    if (!user) throw new Error(`no simulated Edenred user ${loginOrId}`);
    Object.assign(user, patch);
  }

  /** What the login page would redirect with, without the page (tests). */
  issueCode(input: { username: string; redirectUri: string }): string {
    const user = this.sso.userByLogin(input.username);
    if (!user) throw new Error(`no simulated Edenred user ${input.username}`);
    return this.sso.issueCode(user, input.redirectUri);
  }

  /** The next `count` calls answer this status and code (no code: a bare status with a non-JSON body). */
  failNext(input: {
    httpStatus: number;
    code?: string;
    count?: number;
    operation?: SimulatedOperation;
  }): void {
    this.faults.add(input.operation, input.count, {
      kind: 'fail',
      httpStatus: input.httpStatus,
      code: input.code ?? null,
    });
  }

  /** The next `count` calls never answer. */
  hangNext(input: { operation?: SimulatedOperation; count?: number } = {}): void {
    this.faults.add(input.operation, input.count, { kind: 'hang' });
  }

  /** The next `count` payments are processed (captured or declined), and the answer never comes. */
  recordThenHangNext(input: { count?: number } = {}): void {
    this.faults.add('transaction', input.count, { kind: 'record_then_hang' });
  }

  /** Requests a hang fault holds open now: each ends when its caller gives up and closes it. */
  heldRequests(): number {
    return this.held;
  }

  transactions(): SimulatedTransaction[] {
    return this.ledger.all();
  }

  /** The bodies of every POST /v2/transactions received, in order. */
  transactionRequests(): Record<string, unknown>[] {
    return this.receivedTransactions.map((body) => ({ ...body }));
  }

  /** EDENRED_* variables for a gateway (or a test) to use this simulator. */
  clientEnvironment(): Record<string, string> {
    const { settings } = this;
    return {
      EDENRED_AUTH_URL: this.baseUrl,
      EDENRED_API_URL: this.baseUrl,
      EDENRED_CLIENT_ID: settings.clientId,
      EDENRED_CLIENT_SECRET: settings.clientSecret,
      EDENRED_PAYMENT_CLIENT_ID: settings.paymentClientId,
      EDENRED_PAYMENT_CLIENT_SECRET: settings.paymentClientSecret,
      EDENRED_MID: settings.mid,
      EDENRED_BATCH_NO: settings.batchNo,
      EDENRED_SERVICE_ID: settings.serviceId,
      EDENRED_TERMINAL_NO: settings.terminalNo,
      EDENRED_TRANSACTION_SOURCE: settings.transactionSource,
      EDENRED_HASH_SECRET: settings.hashSecret,
      EDENRED_TRANSACTION_LOOKUP: 'true',
    };
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.baseUrl = await this.server.listen(this.app(), port, host);
    return this.baseUrl;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** How many requests of an operation arrived, injected failures included. */
  calls(operation: SimulatedOperation): number {
    return this.faults.calls(operation);
  }

  private hold(res: Response): void {
    this.held += 1;
    res.once('close', () => (this.held -= 1));
  }

  private takeFault(operation: SimulatedOperation): Fault | undefined {
    return this.faults.take(operation);
  }

  /** Answers an injected failure or hangs; true when the request is handled. */
  private injected(operation: SimulatedOperation, fault: Fault | undefined, res: Response): boolean {
    if (!fault || fault.kind === 'record_then_hang') return false;
    if (fault.kind === 'hang') {
      this.hold(res);
      return true;
    }
    if (fault.code === null) {
      res.status(fault.httpStatus).type('text/html').send('<html><body>upstream error</body></html>');
    } else if (operation === 'token' || operation === 'endsession') {
      res.status(fault.httpStatus).json({ error: fault.code, error_description: describe(fault.code) });
    } else {
      failed(res, fault.httpStatus, fault.code);
    }
    return true;
  }

  private app() {
    const app = express();
    app.disable('x-powered-by');
    app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
    const form = express.urlencoded({ extended: false, limit: BODY_LIMIT });
    app.get('/connect/authorize', (req, res) => this.authorizePage(req.query, res));
    app.post('/connect/authorize', form, (req, res) => this.logIn(req, res));
    app.post('/connect/token', form, (req, res) => this.token(req, res));
    app.get('/connect/endsession', (req, res) => this.endSession(req, res));

    const json = express.json({ limit: BODY_LIMIT });
    app.get(
      '/v2/users/:username/balances',
      this.directPayment('balances', (req, res, user) => this.balances(req, res, user)),
    );
    app.post(
      '/v2/users/:username/actions/estimate-charge',
      json,
      this.directPayment('estimate', (req, res, user) => this.estimate(req, res, user)),
    );
    app.post(
      '/v2/transactions',
      json,
      this.directPayment('transaction', (req, res, user, fault) => this.pay(req, res, user, fault)),
    );
    app.get(
      '/v2/transactions',
      this.directPayment('lookup', (req, res, user) => this.lookup(req, res, user)),
    );
    const knownPaths = [
      /^\/v2\/users\/[^/]+\/balances$/,
      /^\/v2\/users\/[^/]+\/actions\/estimate-charge$/,
      /^\/v2\/transactions$/,
    ];
    app.use((req, res) => {
      if (knownPaths.some((path) => path.test(req.path))) failed(res, 405, 'METHOD_NOT_ALLOWED');
      else failed(res, 404, 'NOT_FOUND');
    });
    app.use((error: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(error);
      if (error.type === 'entity.too.large') return failed(res, 400, 'BAD_REQUEST');
      failed(res, 400, 'BAD_REQUEST');
    });
    return app;
  }

  private authorizationRequestOf(source: Record<string, unknown>): AuthorizationRequest | string {
    if (!this.sso.checkClient(source.client_id)) return 'unknown client_id';
    if (source.response_type !== undefined && source.response_type !== 'code')
      return 'response_type must be code';
    if (!isHttpUrl(source.redirect_uri)) return 'redirect_uri must be an http(s) URL';
    return {
      client_id: text(source.client_id),
      redirect_uri: source.redirect_uri,
      state: text(source.state),
      scope: text(source.scope),
    };
  }

  private authorizePage(query: Record<string, unknown>, res: Response): void {
    const request = this.authorizationRequestOf(query);
    if (typeof request === 'string') return void res.status(400).type('html').send(errorPage(request));
    res.type('html').send(loginPage(request));
  }

  private logIn(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const request = this.authorizationRequestOf(body);
    if (typeof request === 'string') return void res.status(400).type('html').send(errorPage(request));
    const user = this.sso.logIn(text(body.username), text(body.password), text(body.otp));
    if (!user)
      return void res.status(401).type('html').send(loginPage(request, 'Wrong username, password or OTP.'));
    const target = new URL(request.redirect_uri);
    target.searchParams.set('code', this.sso.issueCode(user, request.redirect_uri));
    if (request.state) target.searchParams.set('state', request.state);
    res.redirect(302, target.toString());
  }

  private token(req: Request, res: Response): void {
    if (this.injected('token', this.takeFault('token'), res)) return;
    const answer = this.sso.token((req.body ?? {}) as Record<string, unknown>);
    res.set('cache-control', 'no-store');
    if (answer.ok) return void res.json(answer.body);
    res.status(answer.status).json({ error: answer.error, error_description: answer.description });
  }

  private endSession(req: Request, res: Response): void {
    if (this.injected('endsession', this.takeFault('endsession'), res)) return;
    if (!this.sso.endSession(text(req.query.id_token_hint))) {
      return void res.status(400).type('html').send(errorPage('invalid id_token_hint'));
    }
    const redirect = req.query.post_logout_redirect_uri;
    if (isHttpUrl(redirect)) return void res.redirect(302, redirect);
    res.type('html').send(errorPage('You are logged out.'));
  }

  /** The Direct Payment checks every call passes: injected faults, payment client, bearer token. */
  private directPayment(
    operation: SimulatedOperation,
    handler: (req: Request, res: Response, user: SimulatedUser, fault: Fault | undefined) => void,
  ) {
    return (req: Request, res: Response) => {
      const fault = this.takeFault(operation);
      if (this.injected(operation, fault, res)) return;
      const clientId = req.get('x-client-id') ?? '';
      const clientSecret = req.get('x-client-secret') ?? '';
      if (
        !sameText(clientId, this.settings.paymentClientId) ||
        !sameText(clientSecret, this.settings.paymentClientSecret)
      ) {
        return failed(res, 403, 'FORBIDDEN');
      }
      const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      if (!bearer) return failed(res, 400, 'EMPTY_AUTHORIZATION_TOKEN');
      const owner = this.sso.userOfAccessToken(bearer);
      if ('refused' in owner) return failed(res, 401, owner.refused);
      const username = req.params.username;
      if (username !== undefined && username !== owner.user.id)
        return failed(res, 401, 'INVALID_TOKEN_ISSUER');
      if (req.method === 'POST' && !req.is('application/json'))
        return failed(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      handler(req, res, owner.user, fault);
    };
  }

  private balances(_req: Request, res: Response, user: SimulatedUser): void {
    succeeded(res, { available_amount: user.balance, product_class: user.productClass, currency: 'TRY' });
  }

  private estimate(req: Request, res: Response, user: SimulatedUser): void {
    const { amount, currency } = (req.body ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(amount) || (amount as number) < 1) return failed(res, 400, 'BAD_REQUEST');
    if (currency !== undefined && currency !== 'TRY') return failed(res, 400, 'BAD_REQUEST');
    const available = this.ledger.spendable(user, turkeyDay(this.clock.now()), amount as number);
    succeeded(res, { available_amount: available, currency: 'TRY' });
  }

  private pay(req: Request, res: Response, user: SimulatedUser, fault: Fault | undefined): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    this.receivedTransactions.push({ ...body });
    const rejection = paymentRequestRejection(body, this.settings, this.clock.now());
    if (rejection) return failed(res, rejection.httpStatus, rejection.code);
    const orderRef = Number(body.order_ref);
    const outcome =
      this.ledger.orderRefCheck(orderRef) ??
      this.ledger.pay(user, orderRef, body.amount as number, turkeyDay(this.clock.now()));
    if (fault?.kind === 'record_then_hang') return this.hold(res);
    if (outcome.kind === 'refused') return failed(res, outcome.httpStatus, outcome.code);
    const { transaction } = outcome;
    res.json({
      meta: {
        status: 'succeeded',
        ...(transaction.code === 'SUCCESS'
          ? {}
          : {
              messages: [
                {
                  code: transaction.code,
                  level: 'success',
                  description: 'The transaction has been partially authorized.',
                },
              ],
            }),
      },
      data: this.transactionView(transaction),
    });
  }

  private lookup(req: Request, res: Response, user: SimulatedUser): void {
    const orderRef = text(req.query.order_ref);
    if (!/^\d{1,10}$/.test(orderRef)) return failed(res, 400, 'BAD_REQUEST');
    const transaction = this.ledger.captured(Number(orderRef), user.id);
    if (!transaction) return failed(res, 404, 'TRANSACTION_NOT_FOUND');
    succeeded(res, this.transactionView(transaction));
  }

  private transactionView(transaction: SimulatedTransaction) {
    return {
      mid: this.settings.mid,
      status: 'captured',
      order_ref: String(transaction.orderRef),
      authorization_id: transaction.authorizationId,
      authorized_amount: transaction.authorizedAmount,
      capture_id: transaction.authorizationId,
      captured_amount: transaction.capturedAmount,
    };
  }
}

const succeeded = (res: Response, data: Record<string, unknown>): void =>
  void res.json({ meta: { status: 'succeeded', messages: [] }, data });

const failed = (res: Response, httpStatus: number, code: string): void =>
  void res.status(httpStatus).json({
    meta: { status: 'failed', messages: [{ code, level: 'error', description: describe(code) }] },
  });
