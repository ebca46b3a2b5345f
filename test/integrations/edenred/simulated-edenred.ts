import { Writable } from 'node:stream';
import winston from 'winston';
import { edenredConfigSchema, type EdenredConfig } from '../../../src/integrations/edenred/edenred-config';
import {
  httpEdenredClient,
  type EdenredClientDeps,
} from '../../../src/integrations/edenred/edenred-http-client';
import type { EdenredClient, EdenredTokens } from '../../../src/integrations/edenred/edenred-port';
import {
  EdenredSimulator,
  GUIDE_TEST_USER,
  type EdenredSimulatorOptions,
} from '../../../src/integrations/edenred/simulator/edenred-simulator';
import { createLogger } from '../../../src/infrastructure/logging/logger';

export const REDIRECT_URI = 'https://gateway.example/v1/edenred/callback';
export const POST_LOGOUT_REDIRECT_URI = 'https://gateway.example/v1/edenred/logged-out';

export interface SimulatedEdenred {
  simulator: EdenredSimulator;
  config: EdenredConfig;
  client: EdenredClient;
  /** Every log line the client wrote (JSON text). */
  logLines: string[];
  /** Back-off pauses the client asked for. */
  sleeps: number[];
  /** Tokens of the guide's test user, through a code the simulator issued. */
  logIn(login?: string): Promise<EdenredTokens>;
  close(): Promise<void>;
}

/** A simulator on 127.0.0.1:0 and a client configured for it, with its logs captured. */
export const simulatedEdenred = async (
  options: {
    simulator?: EdenredSimulatorOptions;
    env?: Record<string, string>;
    deps?: EdenredClientDeps;
  } = {},
): Promise<SimulatedEdenred> => {
  const simulator = new EdenredSimulator(options.simulator);
  await simulator.listen(0, '127.0.0.1');
  const config = edenredConfigSchema.parse({
    ...simulator.clientEnvironment(),
    EDENRED_TIMEOUT_MS: '1000',
    EDENRED_TRANSACTION_TIMEOUT_MS: '1000',
    ...options.env,
  });
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug' });
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    }),
  );
  const sleeps: number[] = [];
  const client = httpEdenredClient(config, {
    logger,
    sleep: async (ms) => void sleeps.push(ms),
    ...options.deps,
  });
  return {
    simulator,
    config,
    client,
    logLines,
    sleeps,
    logIn: (login = GUIDE_TEST_USER.login) =>
      client.exchangeCode({
        code: simulator.issueCode({ username: login, redirectUri: REDIRECT_URI }),
        redirectUri: REDIRECT_URI,
      }),
    close: () => simulator.close(),
  };
};

/** The EdenredError a promise rejects with (fails the test when it resolves). */
export const rejection = async (promise: Promise<unknown>): Promise<any> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};
