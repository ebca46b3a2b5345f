import path from 'node:path';
import type { RequestListener } from 'node:http';
import { commandHandlerFor } from '../commands/command-handler';
import { ocpiCdrService } from '../commands/ocpi/ocpi-cdr.service';
import { ocpiLocationService } from '../commands/ocpi/ocpi-location.service';
import { paymentIntentAggregate } from '../commands/payment-intents/payment-intent.service';
import { cdrsReceiver } from '../ocpi/modules/cdrs-receiver';
import { ocpiCommands } from '../ocpi/modules/commands-sender';
import { ocpiSessions } from '../ocpi/modules/sessions-receiver';
import { ocpiTerminals } from '../ocpi/modules/terminals-sender';
import { financialAdvice } from '../ocpi/modules/financial-advice';
import { ocpiCpmsAdapter } from '../ocpi/modules/ocpi-cpms-adapter';
import { chargeSessionAggregate } from '../commands/charges/charge.service';
import { pagingFor } from '../ocpi/transport/paging';
import { createHash } from 'node:crypto';
import { ocpiPartyService } from '../commands/ocpi/ocpi-party.service';
import { tariffService } from '../commands/tariffs/tariff.service';
import { locationsReceiver } from '../ocpi/modules/locations-receiver';
import { senderPulls } from '../ocpi/modules/sender-pulls';
import { tariffsReceiver } from '../ocpi/modules/tariffs-receiver';
import type { Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import { createOcpiClient } from '../ocpi/client/ocpi-client';
import { credentialsClient, credentialsHandlers } from '../ocpi/credentials/credentials-flows';
import { createOcpiApp } from '../ocpi/http/ocpi-app';
import { OcpiDescription } from '../ocpi/openapi/ocpi-description';
import type { OurPlatform } from '../ocpi/our-platform';
import type { ExchangeObserver } from '../ocpi/transport/ocpi-exchange';
import type { ReadModelFreshness } from '../projections/read-model-freshness';
import type { CheckpointStore } from '../projections/checkpointed-subscription';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { ChargeService } from '../commands/charges/charge.service';
import { startOcpiProcessManager } from '../ocpi/process/ocpi-process-manager';
import { createSecretBox } from '../webhooks/secret-box';
import { systemResolver } from '../webhooks/url-guard';
import { TokenBucketRateLimiter } from '../http/auth/rate-limiter';

/** The unaltered official description the OCPI surface validates against (openapi/ocpi/NOTICE). */
export const OCPI_DESCRIPTION_DIR = path.resolve(__dirname, '../../openapi/ocpi');

export interface OcpiRuntimeDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  /** Where the gateway listens, known once it does; OCPI_PUBLIC_URL wins. */
  listeningUrl: () => string | undefined;
  validateResponses: boolean;
  onExchange?: ExchangeObserver;
}

export const ourPlatformFrom = (config: Config, listeningUrl: () => string | undefined): OurPlatform => ({
  countryCode: config.OCPI_COUNTRY_CODE,
  partyId: config.OCPI_PARTY_ID,
  businessName: config.OCPI_BUSINESS_NAME,
  baseUrl: () =>
    (config.OCPI_PUBLIC_URL ?? listeningUrl() ?? `http://127.0.0.1:${config.PORT}`).replace(/\/$/, ''),
});

export const ocpiClientFrom = (config: Config, onExchange?: ExchangeObserver) =>
  createOcpiClient({
    urlGuard: {
      policy: {
        requireHttps: config.EDGEPAY_ENV !== 'development',
        // Development talks to local simulators; production never (config refuses the flag there).
        allowPrivateAddresses: config.OCPI_ALLOW_PRIVATE_URLS ?? config.EDGEPAY_ENV === 'development',
      },
      resolve: systemResolver,
    },
    timeoutMs: config.OCPI_TIMEOUT_MS,
    attempts: config.OCPI_RETRY_ATTEMPTS,
    backoffMs: config.OCPI_RETRY_BACKOFF_MS,
    ...(onExchange ? { onExchange } : {}),
  });

const pageLinkSecret = (config: Config): Buffer =>
  createHash('sha256')
    .update('edgepay ocpi page links\u0000')
    .update(config.WEBHOOK_SECRET_ENCRYPTION_KEY ?? 'development')
    .digest();

/** OCPI's surface (`/ocpi`), its client, and the admin operations on peers (register with, re-roll, unregister). */
export const ocpiRuntime = (deps: OcpiRuntimeDeps) => {
  const { config } = deps;
  const us = ourPlatformFrom(config, deps.listeningUrl);
  const client = ocpiClientFrom(config, deps.onExchange);
  const parties = ocpiPartyService({ eventStore: deps.eventStore, clock: deps.clock });
  const locations = ocpiLocationService({ eventStore: deps.eventStore });
  const tariffs = tariffService({ eventStore: deps.eventStore, clock: deps.clock });
  const cdrs = ocpiCdrService({ eventStore: deps.eventStore });
  const intents = commandHandlerFor(deps.eventStore, paymentIntentAggregate);
  const credentialsDeps = {
    parties,
    client,
    secretBox: createSecretBox(config.WEBHOOK_SECRET_ENCRYPTION_KEY),
    us,
  };
  const commands = ocpiCommands({ ...credentialsDeps, eventStore: deps.eventStore });
  const sessions = ocpiSessions({ eventStore: deps.eventStore });
  const catchUp = async () => {
    const head = await deps.eventStore.headPosition();
    if (head !== undefined) await deps.freshness.waitFor(head, config.READ_YOUR_WRITES_TIMEOUT_MS);
  };
  // The same on every replica, so a Link one hands out verifies on another; derived, never sent.
  const paging = pagingFor({ secret: pageLinkSecret(config), maxLimit: config.OCPI_PAGE_LIMIT });
  const terminals = ocpiTerminals({
    eventStore: deps.eventStore,
    readStore: deps.readStore,
    us,
    paging,
    catchUp,
  });
  const advice = financialAdvice({
    ...credentialsDeps,
    eventStore: deps.eventStore,
    readStore: deps.readStore,
    paging,
    catchUp,
  });
  // Parsing OCPI's OpenAPI description takes a couple of hundred ms: only a process serving HTTP does it.
  const httpApp = () =>
    createOcpiApp({
      description: new OcpiDescription(OCPI_DESCRIPTION_DIR),
      handlers: {
        ...credentialsHandlers(credentialsDeps),
        ...locationsReceiver(locations),
        ...tariffsReceiver(tariffs),
        ...commands.handlers,
        ...sessions.handlers,
        ...terminals.handlers,
        ...advice.handlers,
        ...cdrsReceiver({
          cdrs,
          tariffs,
          us,
          pricing: { vatRatePercent: config.VAT_RATE_PERCENT, timeZone: config.TARIFF_TIME_ZONE },
          merchantOfIntent: async (paymentIntentId) => {
            const { state } = await intents.load(paymentIntentId);
            return state.status === 'empty' ? undefined : state.merchantId;
          },
        }),
      },
      us,
      clock: deps.clock,
      logger: deps.logger,
      readStore: deps.readStore,
      catchUp,
      loadParty: (partyRef) => parties.load(partyRef),
      validateResponses: deps.validateResponses,
      ...(deps.onExchange ? { onExchange: deps.onExchange } : {}),
      authFailures: {
        limiter: new TokenBucketRateLimiter({
          capacity: config.AUTH_FAILURES_PER_MINUTE,
          refillPerMinute: config.AUTH_FAILURES_PER_MINUTE,
        }),
        now: () => deps.clock.now().getTime(),
      },
    });
  return {
    us,
    parties,
    credentials: credentialsClient(credentialsDeps),
    locations,
    tariffs,
    cdrs,
    commands,
    sessions,
    terminals,
    financialAdvice: advice,
    /**
     * An OCPI CPO as a CPMS adapter for charges: the station router sends it the charges of stations
     * mapped with adapter type `ocpi` (the mapping's party ref, location and EVSE).
     */
    cpmsAdapter: (paymentIntentOfCharge?: (chargeId: string) => Promise<string | undefined>) => {
      const charges = commandHandlerFor(deps.eventStore, chargeSessionAggregate);
      return ocpiCpmsAdapter({
        commands,
        readStore: deps.readStore,
        catchUp,
        paymentIntentOfCharge:
          paymentIntentOfCharge ??
          (async (chargeId) => {
            const { state } = await charges.load(chargeId);
            return state.status === 'empty' ? undefined : state.paymentIntentId;
          }),
      });
    },
    pulls: senderPulls({ ...credentialsDeps, locations, tariffs }),
    /** The worker role's part: Financial Advice Confirmations on settlement, CPO sessions into charges. */
    startWorkers: (workers: {
      jobQueue: JobQueue;
      checkpoints: CheckpointStore;
      charges: Pick<ChargeService, 'load' | 'reportCpmsStatus' | 'recordCpmsReading'>;
    }) =>
      startOcpiProcessManager({
        ...workers,
        eventStore: deps.eventStore,
        readStore: deps.readStore,
        logger: deps.logger,
        financialAdvice: advice,
        readModelsAt: (position) => deps.freshness.waitFor(position, config.READ_YOUR_WRITES_TIMEOUT_MS),
        retry: {
          attempts: config.OCPI_FAC_ATTEMPTS,
          backoff: { type: 'exponential', baseDelayMs: config.OCPI_RETRY_BACKOFF_MS },
        },
        sweepIntervalMs: config.OCPI_FAC_SWEEP_INTERVAL_MS,
      }),
    /** Sends /ocpi/... to OCPI's own app and everything else to EdgePay's API: beside it, never inside. */
    besideApi: (api: RequestListener): RequestListener => {
      const app = httpApp();
      return (req, res) => {
        const url = req.url ?? '/';
        if (url === '/ocpi' || url.startsWith('/ocpi/') || url.startsWith('/ocpi?')) {
          app(req as Parameters<typeof app>[0], res as Parameters<typeof app>[1]);
          return;
        }
        api(req, res);
      };
    },
  };
};

export type OcpiRuntime = ReturnType<typeof ocpiRuntime>;
