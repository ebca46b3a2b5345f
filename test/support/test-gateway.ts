import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/commands/api-keys/api-key.service';
import { systemContext } from '../../src/commands/command-context';
import { signDevelopmentToken } from '../../src/http/auth/development-token';
import { ManualClock, systemClock, type Clock } from '../../src/infrastructure/clock';
import { loadConfig } from '../../src/infrastructure/config';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import { silentLogger, type Logger } from '../../src/infrastructure/logging/logger';
import type { EdenredClient } from '../../src/integrations/edenred/edenred-port';
import type { StationAdapterFactories } from '../../src/integrations/cpms/station-adapter-registry';
import { startGateway, type Gateway } from '../../src/runtime/gateway';
import type { StationWebhookReceiver } from '../../src/runtime/station-adapter-factories';
import type { ExchangeObserver } from '../../src/ocpi/transport/ocpi-exchange';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, for malformed-body tests. */
  rawBody?: string;
  key?: string;
  headers?: Record<string, string>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  clock: Clock;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  issueKey(options?: { merchantId?: string; terminalId?: string; scopes?: string[] }): Promise<string>;
  token(options?: {
    merchantId?: string;
    terminalId?: string;
    scopes?: string[];
    audience?: string;
    expiresInSeconds?: number;
  }): Promise<string>;
  allEvents(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export const startTestGateway = async (
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    /** The randomness of attestation challenges (see GatewayOptions). */
    attestationChallengeBytes?: (size: number) => Uint8Array;
    /** A fake of the Edenred port (test/support/fake-edenred-client.ts), or at merge the real client. */
    edenredClient?: EdenredClient;
    /** CPMS adapters by type (see GatewayOptions.stationAdapterFactories). */
    stationAdapterFactories?: StationAdapterFactories;
    stationWebhookReceivers?: readonly StationWebhookReceiver[];
    /** Silent unless given (tests that scan log lines record them). */
    logger?: Logger;
    /** Sees every OCPI request and answer (test/support/ocpi-conformance.ts). */
    ocpiExchanges?: ExchangeObserver;
  } = {},
): Promise<TestGateway> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-test-'));
  const clock = options.clock ?? systemClock;
  const config = loadConfig({
    EDGEPAY_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    SQLITE_SYNCHRONOUS: 'NORMAL',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...options.env,
  });
  const gateway = await startGateway({
    config,
    logger: options.logger ?? silentLogger(),
    roles: ['api', 'projector', 'worker'],
    ...(options.edenredClient ? { edenredClient: options.edenredClient } : {}),
    clock,
    validateResponses: true,
    ...(options.attestationChallengeBytes
      ? { attestationChallengeBytes: options.attestationChallengeBytes }
      : {}),
    ...(options.stationAdapterFactories ? { stationAdapterFactories: options.stationAdapterFactories } : {}),
    ...(options.stationWebhookReceivers ? { stationWebhookReceivers: options.stationWebhookReceivers } : {}),
    ...(options.ocpiExchanges ? { ocpiExchanges: options.ocpiExchanges } : {}),
  });
  const url = gateway.url as string;
  const { eventStore } = gateway.infrastructure;

  return {
    gateway,
    url,
    clock,
    async request(method, requestPath, { body, rawBody, key, headers = {} } = {}) {
      const response = await fetch(`${url}${requestPath}`, {
        method,
        headers: {
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'x-api-key': key } : {}),
          ...headers,
        },
        ...(rawBody !== undefined
          ? { body: rawBody }
          : body !== undefined
            ? { body: JSON.stringify(body) }
            : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (metrics): keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed as never };
    },
    async issueKey({
      merchantId = 'mer_test',
      terminalId,
      scopes = ['payments:read', 'payments:write'],
    } = {}) {
      const issued = await issueApiKey(
        { eventStore, clock },
        { name: 'test', merchantId, ...(terminalId ? { terminalId } : {}), scopes, environment: 'test' },
        systemContext('test-setup'),
      );
      if (!(await gateway.projector?.waitForPosition(issued.position, 5000)))
        throw new Error('key not projected');
      return issued.key;
    },
    token: ({
      merchantId = 'mer_test',
      terminalId,
      scopes = ['payments:read', 'payments:write'],
      audience,
      expiresInSeconds,
    } = {}) =>
      signDevelopmentToken({
        secret: TEST_JWT_SECRET,
        issuer: config.JWT_ISSUER,
        audience: audience ?? config.JWT_AUDIENCE,
        subject: 'operator-1',
        merchantId,
        ...(terminalId ? { terminalId } : {}),
        scopes,
        issuedAt: Math.floor(clock.now().getTime() / 1000),
        ...(expiresInSeconds ? { expiresInSeconds } : {}),
      }),
    allEvents: () => eventStore.readAll({ limit: 100_000 }),
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

export { ManualClock };
