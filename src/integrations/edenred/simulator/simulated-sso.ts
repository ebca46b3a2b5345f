import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../infrastructure/clock';

/** A user of the simulated Edenred: the SSO login and the Direct Payment account. */
export interface SimulatedUser {
  /** What the user types on the login page (the guide's test account is `edps@edps.com`). */
  login: string;
  password: string;
  otp: string;
  /** The Direct Payment `{username}`: an opaque id, the `sub` of the id_token. */
  id: string;
  active: boolean;
  balance: number;
  productClass: string;
  dailyAmountLimit: number;
  dailyOperationLimit: number;
  /** When the balance is short: authorize what is left (PARTIAL_AUTH) instead of INADEQUATE_BALANCE. */
  partialAuthorization: boolean;
}

export interface SsoSettings {
  clientId: string;
  clientSecret: string;
  accessTokenLifetimeSeconds: number;
  codeLifetimeSeconds: number;
  issuer: () => string;
  clock: Clock;
}

interface IssuedCode {
  userId: string;
  redirectUri: string;
  expiresAt: number;
}

interface IssuedAccessToken {
  userId: string;
  expiresAt: number;
}

export type TokenAnswer =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; error: string; description: string };

const opaque = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;
const sameText = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The SSO's state: single-use codes, expiring access tokens, rotating refresh tokens, signed id_tokens. */
export class SimulatedSso {
  private readonly codes = new Map<string, IssuedCode>();
  private readonly accessTokens = new Map<string, IssuedAccessToken>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly settings: SsoSettings,
    private readonly users: Map<string, SimulatedUser>,
  ) {}

  userByLogin(login: string): SimulatedUser | undefined {
    for (const user of this.users.values()) if (user.login === login || user.id === login) return user;
    return undefined;
  }

  checkClient(clientId: unknown, clientSecret?: unknown): boolean {
    if (typeof clientId !== 'string' || !sameText(clientId, this.settings.clientId)) return false;
    return (
      clientSecret === undefined ||
      (typeof clientSecret === 'string' && sameText(clientSecret, this.settings.clientSecret))
    );
  }

  logIn(login: string, password: string, otp: string): SimulatedUser | undefined {
    const user = this.userByLogin(login);
    if (!user || !sameText(password, user.password) || !sameText(otp, user.otp)) return undefined;
    return user;
  }

  issueCode(user: SimulatedUser, redirectUri: string): string {
    const code = opaque('code');
    const expiresAt = this.now() + this.settings.codeLifetimeSeconds * 1000;
    this.codes.set(code, { userId: user.id, redirectUri, expiresAt });
    return code;
  }

  token(form: Record<string, unknown>): TokenAnswer {
    if (!this.checkClient(form.client_id, form.client_secret ?? '')) {
      return {
        ok: false,
        status: 401,
        error: 'invalid_client',
        description: 'unknown client or wrong secret',
      };
    }
    if (form.grant_type === 'authorization_code') return this.exchange(form);
    if (form.grant_type === 'refresh_token') return this.refresh(form);
    return {
      ok: false,
      status: 400,
      error: 'unsupported_grant_type',
      description: 'authorization_code or refresh_token',
    };
  }

  /** The user an access token was issued to, or why it is refused. */
  userOfAccessToken(token: string): { user: SimulatedUser } | { refused: 'INVALID_TOKEN' | 'USER_INACTIVE' } {
    const issued = this.accessTokens.get(token);
    if (!issued || issued.expiresAt <= this.now()) return { refused: 'INVALID_TOKEN' };
    const user = this.users.get(issued.userId);
    if (!user) return { refused: 'INVALID_TOKEN' };
    if (!user.active) return { refused: 'USER_INACTIVE' };
    return { user };
  }

  /** Ends the session of the id_token's user: every token of that user becomes invalid. */
  endSession(idTokenHint: string): boolean {
    const userId = this.verifiedSubject(idTokenHint);
    if (userId === undefined) return false;
    for (const [token, issued] of this.accessTokens)
      if (issued.userId === userId) this.accessTokens.delete(token);
    for (const [token, owner] of this.refreshTokens) if (owner === userId) this.refreshTokens.delete(token);
    return true;
  }

  private exchange(form: Record<string, unknown>): TokenAnswer {
    const code = typeof form.code === 'string' ? this.codes.get(form.code) : undefined;
    // Burned by any attempt, as the guide says, whether the attempt succeeds or not.
    if (typeof form.code === 'string') this.codes.delete(form.code);
    if (!code || code.expiresAt <= this.now() || code.redirectUri !== form.redirect_uri) {
      return { ok: false, status: 400, error: 'invalid_grant', description: 'invalid, used or expired code' };
    }
    return { ok: true, body: this.tokensFor(code.userId) };
  }

  private refresh(form: Record<string, unknown>): TokenAnswer {
    const token = typeof form.refresh_token === 'string' ? form.refresh_token : '';
    const userId = this.refreshTokens.get(token);
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (!user)
      return { ok: false, status: 400, error: 'invalid_grant', description: 'invalid refresh token' };
    // Rotation: a refresh token is good for one refresh.
    this.refreshTokens.delete(token);
    return { ok: true, body: this.tokensFor(user.id) };
  }

  private tokensFor(userId: string): Record<string, unknown> {
    const accessToken = opaque('at');
    const refreshToken = opaque('rt');
    const lifetime = this.settings.accessTokenLifetimeSeconds;
    this.accessTokens.set(accessToken, { userId, expiresAt: this.now() + lifetime * 1000 });
    this.refreshTokens.set(refreshToken, userId);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: this.idToken(userId),
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: 'openid offline_access',
    };
  }

  private idToken(userId: string): string {
    const issuedAt = Math.floor(this.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        iss: this.settings.issuer(),
        aud: this.settings.clientId,
        sub: userId,
        iat: issuedAt,
        exp: issuedAt + 3600,
      }),
    ).toString('base64url');
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  private verifiedSubject(idToken: string): string | undefined {
    const [header, payload, signature] = idToken.split('.');
    if (!header || !payload || !signature || !sameText(signature, this.sign(`${header}.${payload}`)))
      return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
      return typeof claims.sub === 'string' ? claims.sub : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(input: string): string {
    return createHmac('sha256', this.signingKey).update(input).digest('base64url');
  }

  private now(): number {
    return this.settings.clock.now().getTime();
  }
}
