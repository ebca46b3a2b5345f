import assert from 'node:assert/strict';
import { ManualClock } from '../../src/infrastructure/clock';
import { EdenredSimulator } from '../../src/integrations/edenred/simulator/edenred-simulator';
import { capturingLogger } from '../support/capturing-logger';
import type { ApiResponse } from '../support/test-gateway';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { waitUntil } from '../support/wait-until';
import { CHARGING_SCOPES, startChargingHarness, type ChargingHarness } from '../http/adhoc-charges.fixtures';
import { subscribe } from '../http/webhooks.fixtures';

/** Where the simulator's login page would send the browser; the tests follow it with `issueCode`. */
export const CALLBACK_URL = 'http://127.0.0.1:9/v1/edenred/callback';

export interface EdenredJourney {
  h: ChargingHarness;
  simulator: EdenredSimulator;
  receiver: WebhookReceiver;
  logLines: string[];
  responses: ApiResponse[];
  call(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** A wallet linked through the callback, its user holding `balance` kuruş. */
  linkedWallet(balance: number): Promise<{ linkId: string; login: string }>;
  /** An Edenred intent of `amount`, authorized through the link (capped to what Edenred says can be spent). */
  authorizedIntent(linkId: string, amount: number): Promise<any>;
  intentOf(id: string): Promise<any>;
  waitForIntent(id: string, status: string, timeoutMs?: number): Promise<any>;
  webhooksOf(id: string): any[];
  waitForWebhook(id: string, type: string): Promise<any>;
  close(): Promise<void>;
}

let users = 0;

/**
 * A gateway with the real Edenred HTTP client against a simulator of the test's own (sharing the
 * gateway's clock, so tstamp and token expiry agree), every response, log line and webhook kept.
 */
export const startEdenredJourney = async (env: Record<string, string> = {}): Promise<EdenredJourney> => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const simulator = new EdenredSimulator({ clock });
  await simulator.listen(0, '127.0.0.1');
  const logs = capturingLogger();
  const h = await startChargingHarness(
    {
      ...simulator.clientEnvironment(),
      EDENRED_CALLBACK_URL: CALLBACK_URL,
      EDENRED_TRANSACTION_TIMEOUT_MS: '400',
      EDENRED_TIMEOUT_MS: '1000',
      EDENRED_CAPTURE_SWEEP_INTERVAL_MS: '300',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      ...env,
    },
    { clock, logger: logs.logger },
  );
  assert.equal(h.api.gateway.edenredSimulator, undefined, 'configured: no simulator of its own');
  const key = await h.api.issueKey({
    scopes: [...CHARGING_SCOPES, 'webhooks:read', 'webhooks:write'],
  });
  const receiver = await startWebhookReceiver();
  await subscribe(h.api, key, receiver.url, ['payment_intent.*', 'charge.*']);
  const responses: ApiResponse[] = [];

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await h.api.request(method, path, { key, ...(body === undefined ? {} : { body }) });
    responses.push(response);
    return response;
  };
  const intentOf = async (id: string) => (await call('GET', `/v1/payment-intents/${id}`)).body;
  const webhooksOf = (id: string): any[] =>
    // Parsed, not verified: signatures carry the manual clock's time, which a verifier calls too old.
    receiver.received
      .map((webhook) => JSON.parse(webhook.body) as any)
      .filter((payload) => payload.data.id === id);

  const journey: EdenredJourney = {
    h,
    simulator,
    receiver,
    logLines: logs.lines,
    responses,
    call,
    async linkedWallet(balance) {
      const login = `driver${++users}@example.com`;
      simulator.addUser({ login, balance });
      const started = await call('POST', '/v1/edenred/links', { name: 'driver' });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const state = new URL(started.body.authorizationUrl).searchParams.get('state') as string;
      const code = simulator.issueCode({ username: login, redirectUri: CALLBACK_URL });
      const query = new URLSearchParams({ state, code }).toString();
      const done = await h.api.request('GET', `/v1/edenred/callback?${query}`);
      responses.push(done);
      assert.equal(done.body.status, 'linked', JSON.stringify(done.body));
      return { linkId: started.body.id as string, login };
    },
    async authorizedIntent(linkId, amount) {
      const created = await call('POST', '/v1/payment-intents', {
        amount,
        paymentMethodType: 'edenred',
        edenredLinkId: linkId,
        terminalId: 'trm_1',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const authorized = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, { amount });
      assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
      return authorized.body;
    },
    intentOf,
    async waitForIntent(id, status, timeoutMs = 15_000) {
      await waitUntil(async () => (await intentOf(id)).status === status, {
        timeoutMs,
        intervalMs: 50,
        message: `intent ${id} ${status}`,
      });
      return intentOf(id);
    },
    webhooksOf,
    async waitForWebhook(id, type) {
      await waitUntil(() => webhooksOf(id).some((payload) => payload.type === type), {
        timeoutMs: 15_000,
        message: `webhook ${type} of ${id}`,
      });
      return webhooksOf(id).find((payload) => payload.type === type);
    },
    async close() {
      await receiver.close();
      await h.close();
      await simulator.close();
    },
  };
  return journey;
};

/** Bearer, refresh and id tokens, authorization codes and the simulator's secrets, wherever they appear. */
export const leakedSecrets = (haystack: string, simulator: EdenredSimulator, logins: string[]): string[] => {
  const { clientSecret, paymentClientSecret, hashSecret } = simulator.settings;
  const patterns: [string, RegExp][] = [
    ['access token', /\bat_[A-Za-z0-9_-]{20,}/],
    ['refresh token', /\brt_[A-Za-z0-9_-]{20,}/],
    ['authorization code', /\bcode_[A-Za-z0-9_-]{20,}/],
    ['id token (JWT)', /eyJ[A-Za-z0-9_-]{8,}\.eyJ/],
    ['bearer header', /Bearer [A-Za-z0-9_-]/],
  ];
  const found = patterns.filter(([, pattern]) => pattern.test(haystack)).map(([name]) => name);
  for (const [name, value] of [
    ['SSO client secret', clientSecret],
    ['payment client secret', paymentClientSecret],
    ['hash secret', hashSecret],
  ] as const) {
    if (haystack.includes(value)) found.push(name);
  }
  for (const login of logins) if (haystack.includes(login)) found.push(`login ${login}`);
  return found;
};
