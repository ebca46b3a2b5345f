import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/infrastructure/clock';
import {
  EdenredError,
  type EdenredClient,
  type EdenredErrorClass,
  type EdenredTokens,
  type EdenredTransactionRequest,
  type EdenredTransactionResult,
} from '../../src/integrations/edenred/edenred-port';

/**
 * An in-memory Edenred behind the `EdenredClient` port, honest where the flow depends on it: codes are
 * single use, tokens expire and die at logout, refresh tokens rotate, balances go down, an order_ref is
 * accepted once (a repeat is TRANSACTION_DUPLICATED), and any call can be made to fail with any error
 * class. At merge the real client against the HTTP simulator replaces it in the end-to-end specs.
 */
type Method = keyof EdenredClient;

interface Injected {
  error: EdenredError;
  /** For createTransaction: Edenred records the transaction, then the answer is lost (a timeout). */
  afterRecording?: boolean;
}

const random = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export const edenredError = (errorClass: EdenredErrorClass, code: string, httpStatus: number | null = null) =>
  new EdenredError(errorClass, code, `Edenred ${code}`, httpStatus);

export class FakeEdenred implements EdenredClient {
  readonly balances = new Map<string, number>();
  readonly transactions = new Map<number, EdenredTransactionResult & { amount: number; username: string }>();
  readonly calls: { method: Method; orderRef?: number }[] = [];
  /** Every code and token handed out, so specs can scan responses, events and logs for them. */
  readonly issuedSecrets: string[] = [];
  /** When set, a transaction above the balance is partially authorized instead of declined. */
  partialAuthorization = false;
  accessTokenLifetimeMs = 3_600_000;
  private readonly codes = new Map<string, string>();
  private readonly accessTokens = new Map<string, { username: string; expiresAt: number; session: string }>();
  private readonly refreshTokens = new Map<string, { username: string; session: string }>();
  private readonly endedSessions = new Set<string>();
  private readonly injected = new Map<Method, Injected[]>();

  constructor(private readonly clock: Clock) {}

  /** A user who logged in on Edenred's page: the code our callback receives. */
  loginCode(username: string, balance?: number): string {
    if (balance !== undefined) this.balances.set(username, balance);
    const code = random('code');
    this.codes.set(code, username);
    this.issuedSecrets.push(code);
    return code;
  }

  /** The next `times` calls of `method` fail with this error. */
  failNext(method: Method, error: EdenredError, options: { times?: number; afterRecording?: boolean } = {}) {
    const queue = this.injected.get(method) ?? [];
    for (let i = 0; i < (options.times ?? 1); i += 1) {
      queue.push({ error, ...(options.afterRecording ? { afterRecording: true } : {}) });
    }
    this.injected.set(method, queue);
  }

  /** Forgets every failure injected and not yet raised. */
  clearFailures(): void {
    this.injected.clear();
  }

  /** Every access token dies now (Edenred revoked them): the next use is refused, the refresh still works. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  createCount(orderRef?: number): number {
    return this.calls.filter(
      (call) => call.method === 'createTransaction' && (orderRef === undefined || call.orderRef === orderRef),
    ).length;
  }

  private take(method: Method): Injected | undefined {
    this.calls.push({ method });
    return this.injected.get(method)?.shift();
  }

  private fail(method: Method): void {
    const injected = this.take(method);
    if (injected) throw injected.error;
  }

  private userOf(accessToken: string): string {
    const token = this.accessTokens.get(accessToken);
    if (!token || token.expiresAt <= this.clock.now().getTime() || this.endedSessions.has(token.session)) {
      throw edenredError('reauthenticate', 'INVALID_TOKEN', 401);
    }
    return token.username;
  }

  private tokensFor(username: string, session: string): EdenredTokens {
    const accessToken = random('at');
    const refreshToken = random('rt');
    const idToken = `${random('id')}.${session}`;
    this.issuedSecrets.push(accessToken, refreshToken, idToken);
    const expiresAt = this.clock.now().getTime() + this.accessTokenLifetimeMs;
    this.accessTokens.set(accessToken, { username, expiresAt, session });
    this.refreshTokens.set(refreshToken, { username, session });
    return {
      accessToken,
      refreshToken,
      idToken,
      accessTokenExpiresAt: new Date(expiresAt).toISOString(),
      username,
    };
  }

  authorizationUrl({ state, redirectUri }: { state: string; redirectUri: string }): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'fake',
      state,
      redirect_uri: redirectUri,
    });
    return `https://sso.edenred.example/connect/authorize?${query.toString()}`;
  }

  async exchangeCode({ code }: { code: string; redirectUri: string }): Promise<EdenredTokens> {
    this.fail('exchangeCode');
    const username = this.codes.get(code);
    this.codes.delete(code);
    if (!username) throw edenredError('reauthenticate', 'INVALID_GRANT', 400);
    return this.tokensFor(username, random('sess'));
  }

  async refresh(refreshToken: string): Promise<EdenredTokens> {
    this.fail('refresh');
    const known = this.refreshTokens.get(refreshToken);
    this.refreshTokens.delete(refreshToken);
    if (!known || this.endedSessions.has(known.session))
      throw edenredError('reauthenticate', 'INVALID_GRANT', 400);
    return this.tokensFor(known.username, known.session);
  }

  async endSession({ idToken }: { idToken: string; postLogoutRedirectUri: string }): Promise<void> {
    this.fail('endSession');
    const session = idToken.split('.')[1];
    if (session) this.endedSessions.add(session);
  }

  async balance({ accessToken, username }: { accessToken: string; username: string }) {
    this.fail('balance');
    if (this.userOf(accessToken) !== username) throw edenredError('reauthenticate', 'UNAUTHORIZED', 403);
    return {
      availableAmount: this.balances.get(username) ?? 0,
      productClass: 'TICKET_RESTAURANT',
      currency: 'TRY' as const,
    };
  }

  async estimateCharge({
    accessToken,
    username,
    amount,
  }: {
    accessToken: string;
    username: string;
    amount: number;
  }) {
    this.fail('estimateCharge');
    if (this.userOf(accessToken) !== username) throw edenredError('reauthenticate', 'UNAUTHORIZED', 403);
    return { availableAmount: Math.min(amount, this.balances.get(username) ?? 0), currency: 'TRY' as const };
  }

  async createTransaction(request: EdenredTransactionRequest): Promise<EdenredTransactionResult> {
    const injected = this.take('createTransaction');
    this.calls[this.calls.length - 1] = { method: 'createTransaction', orderRef: request.orderRef };
    if (injected && !injected.afterRecording) throw injected.error;
    const username = this.userOf(request.accessToken);
    if (this.transactions.has(request.orderRef))
      throw edenredError('ambiguous', 'TRANSACTION_DUPLICATED', 409);
    const balance = this.balances.get(username) ?? 0;
    let granted = request.amount;
    if (balance < request.amount) {
      if (!this.partialAuthorization || balance === 0)
        throw edenredError('declined', 'INADEQUATE_BALANCE', 422);
      granted = balance;
    }
    this.balances.set(username, balance - granted);
    const result: EdenredTransactionResult = {
      status: 'captured',
      code: granted < request.amount ? 'PARTIAL_AUTH' : 'SUCCESS',
      authorizationId: random('auth'),
      authorizedAmount: granted,
      captureId: random('cap'),
      capturedAmount: granted,
    };
    this.transactions.set(request.orderRef, { ...result, amount: request.amount, username });
    if (injected) throw injected.error;
    return result;
  }

  async findTransaction({ accessToken, orderRef }: { accessToken: string; orderRef: number }) {
    this.fail('findTransaction');
    this.userOf(accessToken);
    const found = this.transactions.get(orderRef);
    if (!found) return undefined;
    const { amount: _amount, username: _username, ...result } = found;
    return result;
  }
}
