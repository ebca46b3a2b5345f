import express from 'express';
import { createServer, type RequestListener, type Server } from 'node:http';
import { paymentIntentService } from '../commands/payment-intents/payment-intent.service';
import { apiKeyAuthenticator } from '../http/auth/api-key-authenticator';
import { terminalBoundJwt } from '../http/auth/terminal-key-check';
import { createJwtVerifier } from '../http/auth/jwt-verifier';
import { createApp } from '../http/app';
import { answerClientErrors } from '../http/edge/client-error';
import { paymentIntentRoutes } from '../http/routes/payment-intents.routes';
import { metricsHandler, publicHealthRoutes, type HealthCheck } from '../http/routes/health.routes';
import { systemClock, type Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { Logger } from '../infrastructure/logging/logger';
import { createMetrics, type Metrics } from '../infrastructure/metrics/metrics';
import { allProjections } from '../projections/all-projections';
import { checkpointFreshness } from '../projections/checkpoint-freshness';
import { ProjectionCheckpoints } from '../projections/projection-checkpoints';
import { ProjectionRunner } from '../projections/projection-runner';
import type { ReadModelFreshness } from '../projections/read-model-freshness';
import { startIdempotencyPurge } from '../workers/idempotency-purge';
import { EXPIRY_QUEUE, startExpiryWorker } from '../workers/payment-intent-expiry';
import { startMetricsSampler } from './metrics-sampler';
import { closeHttpServer } from './close-http-server';
import { instrumentEventStore } from './instrument-event-store';
import { openInfrastructure, type Infrastructure } from './infrastructure';
import { TERMINAL_OFFLINE_QUEUE, terminalRuntime } from './terminals';
import { DISPATCHER_NAME, WEBHOOK_DELIVERY_QUEUE, webhookRuntime } from './webhooks';
import { CHARGE_QUEUES, startCharging } from './charging';
import { auditRuntime } from './audit';
import type { CpmsSimulator } from '../integrations/cpms/simulator/cpms-simulator';
import type { ChargeProcessHooks } from '../workers/charges/charge-jobs';
import type { StationAdapterFactories } from '../integrations/cpms/station-adapter-registry';
import { chargingInfrastructureRuntime } from './charging-infrastructure';
import {
  STATION_ADAPTER_FACTORIES,
  STATION_WEBHOOK_RECEIVERS,
  type StationWebhookReceiver,
} from './station-adapter-factories';
import type { PaymentIntentService } from '../commands/payment-intents/payment-intent.service';
import type { EdenredClient } from '../integrations/edenred/edenred-port';
import type { EdenredCaptureHooks } from '../workers/edenred/edenred-capture-job';
import { EDENRED_QUEUES, edenredRuntime } from './edenred';
import type { ExchangeObserver } from '../ocpi/transport/ocpi-exchange';
import { ocpiRuntime, type OcpiRuntime } from './ocpi';
import { openEdenredClient } from './edenred-client';
import type { EdenredSimulator } from '../integrations/edenred/simulator/edenred-simulator';
import { OCPI_FAC_QUEUE, OCPI_PROCESS_MANAGER_NAME } from '../ocpi/process/ocpi-process-manager';

export type Role = 'api' | 'projector' | 'worker';

export const PROJECTOR_NAME = 'main';
const VERSION = '0.1.0';

export interface Gateway {
  infrastructure: Infrastructure;
  metrics: Metrics;
  projector?: ProjectionRunner;
  server?: Server;
  /** Where the API listens, once started. */
  url?: string;
  /** The in-process CPMS simulator (CPMS_ADAPTER=simulator without CPMS_SIMULATOR_URL), for tests. */
  cpmsSimulator?: CpmsSimulator;
  /** OCPI roaming: its parties and the credentials operations (register with a peer, re-roll, unregister). */
  ocpi?: OcpiRuntime;
  /** The in-process Edenred simulator (embedded default, nothing EDENRED_* configured). */
  edenredSimulator?: EdenredSimulator;
  close(): Promise<void>;
}

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  roles: readonly Role[];
  clock?: Clock;
  /** Tests validate every answer against the contract. */
  validateResponses?: boolean;
  /** Randomness of attestation challenges; tests replay recorded evidence with the challenge it carries. */
  attestationChallengeBytes?: (size: number) => Uint8Array;
  /** Crash-test seams around a charge's payment settlement; never set in production. */
  chargeHooks?: ChargeProcessHooks;
  /** The CPMS adapters by type (STATION_ADAPTER_FACTORIES unless given; tests give fakes). */
  stationAdapterFactories?: StationAdapterFactories;
  /** The CPMS webhook receivers (STATION_WEBHOOK_RECEIVERS unless given). */
  stationWebhookReceivers?: readonly StationWebhookReceiver[];
  /** The Edenred Direct Payment client; without it Edenred payments and wallet links are off. */
  edenredClient?: EdenredClient;
  /** Crash-test seams of the Edenred capture; never set in production. */
  edenredCaptureHooks?: EdenredCaptureHooks;
  /** Tests see every OCPI request and answer, to check it against the official description. */
  ocpiExchanges?: ExchangeObserver;
}

const jwtVerifierFor = async (config: Config, clock: Clock) =>
  config.JWT_SECRET || config.JWT_PUBLIC_KEY || config.JWT_JWKS_URL
    ? createJwtVerifier({
        ...(config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : {}),
        ...(config.JWT_JWKS_URL && !config.JWT_PUBLIC_KEY ? { jwksUrl: config.JWT_JWKS_URL } : {}),
        ...(config.JWT_SECRET && !config.JWT_PUBLIC_KEY && !config.JWT_JWKS_URL
          ? { secret: config.JWT_SECRET }
          : {}),
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        clockToleranceSec: config.JWT_LEEWAY_SECONDS,
        maxLifetimeSec: {
          terminal: config.JWT_MAX_LIFETIME_TERMINAL_SECONDS,
          operator: config.JWT_MAX_LIFETIME_OPERATOR_SECONDS,
        },
        clock,
      })
    : undefined;

/** A health check of an in-process component: `problem` answers undefined when all is well. */
const componentCheck = (name: string, problem: () => string | undefined): HealthCheck => ({
  name,
  componentType: 'component',
  check: async () => {
    const found = problem();
    if (found) throw new Error(`${name} ${found}`);
  },
});

const listen = (server: Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** Starts the chosen roles in this process: all three for `edgepay start`, one each in production. */
export const startGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const { config, logger, roles } = options;
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const infrastructure = await openInfrastructure(config, logger);
  const eventStore = instrumentEventStore(infrastructure.eventStore, metrics);
  const { readStore, jobQueue, idempotencyStore } = infrastructure;
  const closers: (() => Promise<void>)[] = [];
  const gateway: Gateway = { infrastructure, metrics, close: async () => undefined };

  const checkpointed = checkpointFreshness(new ProjectionCheckpoints(readStore, PROJECTOR_NAME));
  // Decided per call: the projector, when this process runs one, starts after the services exist.
  const freshness: ReadModelFreshness = {
    waitFor: (position, timeoutMs) =>
      gateway.projector
        ? gateway.projector.waitForPosition(position, timeoutMs)
        : checkpointed.waitFor(position, timeoutMs),
  };
  const terminals = terminalRuntime({
    config,
    logger,
    clock,
    eventStore,
    readStore,
    jobQueue,
    freshness,
    ...(options.attestationChallengeBytes ? { challengeBytes: options.attestationChallengeBytes } : {}),
  });

  const audit = auditRuntime({ config, logger, clock, eventStore });

  const late: { paymentIntents?: PaymentIntentService } = {};
  const edenredClient = options.edenredClient
    ? { client: options.edenredClient }
    : await openEdenredClient({ config, logger, clock, roles });
  if (edenredClient.simulator) {
    const simulator = edenredClient.simulator;
    gateway.edenredSimulator = simulator;
    closers.push(() => simulator.close());
  }
  const edenred = edenredClient.client
    ? edenredRuntime({
        config,
        logger,
        clock,
        eventStore,
        readStore,
        jobQueue,
        client: edenredClient.client,
        metricsRegistry: metrics.registry,
        roles,
        paymentIntents: () => {
          if (!late.paymentIntents) throw new Error('payment intents are not built yet');
          return late.paymentIntents;
        },
        ...(options.edenredCaptureHooks ? { hooks: options.edenredCaptureHooks } : {}),
        charges: () => charging.charges,
      })
    : undefined;

  const paymentIntents = paymentIntentService({
    eventStore,
    clock,
    authorizationTtlMs: config.AUTHORIZATION_TTL_MINUTES * 60_000,
    terminalTrust: terminals.terminalTrust,
    ...(edenred ? { edenredLinks: edenred.links } : {}),
    ...(edenred?.onIntentChanged ? { onChanged: edenred.onIntentChanged } : {}),
  });
  late.paymentIntents = paymentIntents;

  const webhooks = webhookRuntime({ config, logger, clock, eventStore, readStore, jobQueue });

  // Every role: the API serves /ocpi, the workers run its process manager and charges on OCPI stations.
  const ocpi = ocpiRuntime({
    config,
    logger,
    clock,
    eventStore,
    readStore,
    freshness,
    listeningUrl: () => gateway.url,
    validateResponses: options.validateResponses ?? false,
    ...(options.ocpiExchanges ? { onExchange: options.ocpiExchanges } : {}),
  });
  gateway.ocpi = ocpi;

  const infrastructureGroup = chargingInfrastructureRuntime({
    config,
    logger,
    clock,
    eventStore,
    readStore,
    factories: options.stationAdapterFactories ?? STATION_ADAPTER_FACTORIES,
    webhookReceivers: options.stationWebhookReceivers ?? STATION_WEBHOOK_RECEIVERS,
    charges: { reportCpmsStatus: (...args) => charging.charges.reportCpmsStatus(...args) },
    metricsRegistry: metrics.registry,
  });
  closers.push(() => infrastructureGroup.close());

  const charging = await startCharging({
    routeCpms: (fallback) => infrastructureGroup.routeCpms(fallback, ocpi.cpmsAdapter()),
    config,
    logger,
    clock,
    eventStore,
    readStore,
    jobQueue,
    paymentIntents,
    roles,
    ...(options.chargeHooks ? { hooks: options.chargeHooks } : {}),
  });
  if (charging.simulator) gateway.cpmsSimulator = charging.simulator;
  closers.push(() => charging.close());

  if (roles.includes('projector')) {
    const projector = new ProjectionRunner({
      eventStore,
      readStore,
      projections: allProjections,
      logger,
      name: PROJECTOR_NAME,
    });
    await projector.start();
    gateway.projector = projector;
    closers.push(() => projector.stop());
  }

  let webhookDispatcher: { isRunning(): boolean } | undefined;
  if (roles.includes('worker')) {
    const expiry = startExpiryWorker({
      readStore,
      jobQueue,
      clock,
      logger,
      paymentIntents,
      sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
    });
    closers.push(() => expiry.close());
    const terminalOffline = terminals.startWorker();
    closers.push(() => terminalOffline.close());
    const webhookWorkers = await webhooks.startWorkers({
      metrics,
      freshness,
      // One event loop: the projector's catch-up (readiness) before the dispatcher's first full read.
      ...(roles.includes('projector') ? { historyAfterReadModelsMs: 60_000 } : {}),
      checkpoints: infrastructure.subscriberCheckpoints(DISPATCHER_NAME),
    });
    webhookDispatcher = webhookWorkers.dispatcher;
    closers.unshift(() => webhookWorkers.close());
    const chargeWorkers = charging.startWorkers();
    closers.unshift(() => chargeWorkers.close());
    const ocpiWorkers = ocpi.startWorkers({
      jobQueue,
      checkpoints: infrastructure.subscriberCheckpoints(OCPI_PROCESS_MANAGER_NAME),
      charges: charging.charges,
    });
    closers.unshift(() => ocpiWorkers.close());
    const connectorPoller = infrastructureGroup.startWorker();
    closers.unshift(() => connectorPoller.close());
    const edenredWorkers = edenred?.startWorkers();
    if (edenredWorkers) closers.unshift(() => edenredWorkers.close());
    const checkpointer = audit.startWorker();
    closers.unshift(() => checkpointer.close());
  }

  const projector = gateway.projector;
  const healthChecks: HealthCheck[] = [
    { name: 'eventStore', componentType: 'datastore', check: () => eventStore.ping() },
    { name: 'readStore', componentType: 'datastore', check: () => readStore.ping() },
    { name: 'idempotencyStore', componentType: 'datastore', check: () => idempotencyStore.ping() },
    { name: 'jobQueue', componentType: 'datastore', check: () => jobQueue.ping() },
    ...(webhookDispatcher
      ? [componentCheck('webhookDispatcher', () => (webhookDispatcher?.isRunning() ? undefined : 'stopped'))]
      : []),
    ...(projector
      ? [
          // Not ready while catching up: the API answers /health/live meanwhile, but its reads would lag.
          componentCheck('projector', () =>
            projector.status() !== 'running'
              ? projector.status()
              : projector.caughtUp()
                ? undefined
                : 'catching up',
          ),
        ]
      : []),
    ...infrastructureGroup.healthChecks(),
  ];

  const serve = async (app: RequestListener) => {
    const server = createServer(app);
    server.keepAliveTimeout = 65_000;
    answerClientErrors(server);
    await listen(server, config.PORT, config.HOST);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    gateway.server = server;
    gateway.url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
    closers.unshift(() => closeHttpServer(server));
  };

  if (!roles.includes('api')) {
    // Projector and worker processes answer the health probes, so an orchestrator can watch them, and
    // /metrics for Prometheus. The port carries no API and is never published (docs/deployment.md).
    const probes = express();
    probes.disable('x-powered-by');
    probes.use(publicHealthRoutes(healthChecks));
    probes.get('/metrics', metricsHandler(metrics));
    await serve(probes);
  }

  if (roles.includes('api')) {
    const purge = startIdempotencyPurge({
      idempotencyStore,
      clock,
      logger,
      intervalMs: config.IDEMPOTENCY_PURGE_INTERVAL_MS,
    });
    closers.push(() => purge.close());
    const jwt = await jwtVerifierFor(config, clock);
    const cpmsReceivers = infrastructureGroup.startReceivers();
    closers.push(() => cpmsReceivers.close());
    const app = createApp({
      partnerRouters: [...cpmsReceivers.routers, ...(edenred?.partnerRouters() ?? [])],
      logger,
      metrics,
      clock,
      idempotencyStore,
      authenticators: {
        apiKey: apiKeyAuthenticator({
          readStore,
          eventStore,
          catchUp: async () => {
            const head = await eventStore.headPosition();
            if (head !== undefined) await freshness.waitFor(head, config.READ_YOUR_WRITES_TIMEOUT_MS);
          },
          confirmFromStream: !config.EVENTSTORE_URL?.startsWith('esdb'),
        }),
        ...(jwt ? { jwt: terminalBoundJwt(jwt, readStore) } : {}),
      },
      routers: [
        paymentIntentRoutes({
          service: paymentIntents,
          ...(edenred ? { edenred: edenred.authorization() } : {}),
          eventStore,
          readStore,
          freshness,
          readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
        }),
        webhooks.router({ freshness }),
        ...terminals.routers(),
        ...charging.routers({
          eventStore,
          readStore,
          freshness,
          readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
        }),
        ...infrastructureGroup.routers({
          eventStore,
          readStore,
          freshness,
          readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
        }),
        audit.router(),
        ...(edenred?.routers({
          eventStore,
          readStore,
          freshness,
          readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
        }) ?? []),
        // Each resource group adds its router here.
      ],
      healthChecks,
      settings: {
        version: VERSION,
        rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
        authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
        idempotencyTtlMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
        idempotencyLockMs: config.IDEMPOTENCY_LOCK_SECONDS * 1000,
        metricsPublic: config.METRICS_PUBLIC,
        validateResponses: options.validateResponses ?? false,
      },
    });
    await serve(ocpi.besideApi(app));
  }

  const sampler = startMetricsSampler({
    metrics,
    logger,
    ...(gateway.projector ? { projector: gateway.projector } : {}),
    ...(roles.includes('worker') ? { jobQueue } : {}),
    queues: [
      EXPIRY_QUEUE,
      WEBHOOK_DELIVERY_QUEUE,
      TERMINAL_OFFLINE_QUEUE,
      ...CHARGE_QUEUES,
      ...EDENRED_QUEUES,
      OCPI_FAC_QUEUE,
    ],
    intervalMs: 5_000,
  });
  closers.unshift(() => sampler.close());

  gateway.close = async () => {
    for (const close of closers) await close();
    await infrastructure.close();
  };
  return gateway;
};
