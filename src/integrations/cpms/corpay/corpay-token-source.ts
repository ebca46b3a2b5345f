import type { CorpayCredentials } from '../station-adapter';
import { CpmsCallError } from '../http/cpms-call-error';
import type { CpmsHttpClient } from '../http/cpms-http-client';
import { CORPAY_TOKEN_PATH, corpayTokenSchema } from './corpay-api';

interface Token {
  value: string;
  expiresAt: number;
  /** When to fetch the next one: a tenth of its lifetime (at most 30 s) before it expires. */
  refreshAt: number;
}

/**
 * OAuth2 client credentials for Corpay: one cached token, refreshed before it expires and once when
 * the API refuses it. Single flight: calls that need a token at the same time share one request.
 */
export class CorpayTokenSource {
  private token: Token | undefined;
  private inFlight: Promise<Token> | undefined;

  constructor(
    private readonly http: () => CpmsHttpClient,
    private readonly credentials: CorpayCredentials,
    private readonly now: () => number,
  ) {}

  /** The token in use, for scrubbing it from anything that leaves the adapter. */
  get current(): string | undefined {
    return this.token?.value;
  }

  get expiresAt(): Date | null {
    return this.token ? new Date(this.token.expiresAt) : null;
  }

  /** The current token, or a new one when it is due or was the one refused (`rejected`). */
  async bearer(rejected?: string): Promise<string> {
    const current = this.token;
    const usable = current && this.now() < current.refreshAt && current.value !== rejected;
    if (usable) return current.value;
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = undefined));
    return (await this.inFlight).value;
  }

  private async fetchToken(): Promise<Token> {
    const answer = await this.http().request({
      operation: 'token',
      method: 'POST',
      path: CORPAY_TOKEN_PATH,
      form: {
        grant_type: 'client_credentials',
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
      },
      safeToRepeat: true,
      authorized: false,
    });
    if (answer.status >= 400) {
      this.token = undefined;
      throw new CpmsCallError('cpms_auth_failed', `corpay token: HTTP ${answer.status}`, answer.status);
    }
    const parsed = corpayTokenSchema.safeParse(answer.body);
    if (!parsed.success)
      throw new CpmsCallError('cpms_bad_answer', 'corpay token: an answer of an unexpected shape');
    const lifetimeMs = parsed.data.expires_in * 1000;
    const obtainedAt = this.now();
    this.token = {
      value: parsed.data.access_token,
      expiresAt: obtainedAt + lifetimeMs,
      refreshAt: obtainedAt + lifetimeMs - Math.min(30_000, lifetimeMs / 10),
    };
    return this.token;
  }
}
