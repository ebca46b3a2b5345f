import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { chargeService, type ChargeService } from '../commands/charges/charge.service';
import type { PaymentIntentService } from '../commands/payment-intents/payment-intent.service';
import { tariffService, type TariffService } from '../commands/tariffs/tariff.service';
import { adhocChargeRoutes } from '../http/routes/adhoc-charges.routes';
import type { ReadSide } from '../http/read-your-writes';
import { tariffRoutes } from '../http/routes/tariffs.routes';
import type { Clock } from '../infrastructure/clock';
import { ConfigError, type Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { CpmsAdapter } from '../integrations/cpms/cpms-adapter';
import { CpmsSimulator } from '../integrations/cpms/simulator/cpms-simulator';
import { simulatorCpmsClient } from '../integrations/cpms/simulator-cpms-client';
import { CHARGE_PROCESS_QUEUE, CPMS_POLL_QUEUE } from '../workers/charges/charge-actions';
import type { ChargeProcessHooks } from '../workers/charges/charge-jobs';
import { chargeKicker, startChargeWorkers } from '../workers/charges/charge-process-manager';

export const CHARGE_QUEUES = [CHARGE_PROCESS_QUEUE, CPMS_POLL_QUEUE] as const;

export interface ChargingDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
  readStore: ReadStore;
  jobQueue: JobQueue;
  paymentIntents: PaymentIntentService;
  roles: readonly string[];
  hooks?: ChargeProcessHooks;
  /** Routes each charge's CPMS calls by its station's mapping; unmapped stations keep the default adapter. */
  routeCpms?: (fallback: CpmsAdapter) => CpmsAdapter;
}

export interface Charging {
  tariffs: TariffService;
  charges: ChargeService;
  /** The in-process CPMS simulator, when this process runs it (embedded default). */
  simulator?: CpmsSimulator;
  routers(read: ReadSide): Router[];
  startWorkers(): { close: () => Promise<void> };
  close(): Promise<void>;
}

/**
 * The CPMS the workers talk to. With CPMS_ADAPTER=simulator and no CPMS_SIMULATOR_URL, the simulator
 * runs inside this process on a loopback port, and the client still reaches it over real HTTP.
 */
const openCpms = async (
  deps: ChargingDeps,
): Promise<{ adapter?: CpmsAdapter; simulator?: CpmsSimulator }> => {
  const { config } = deps;
  if (!deps.roles.includes('worker')) return {};
  if (config.CPMS_SIMULATOR_URL) {
    if (!config.CPMS_SIMULATOR_TOKEN) throw new ConfigError('CPMS_SIMULATOR_URL needs CPMS_SIMULATOR_TOKEN');
    return {
      adapter: simulatorCpmsClient({
        baseUrl: config.CPMS_SIMULATOR_URL,
        token: config.CPMS_SIMULATOR_TOKEN,
        timeoutMs: config.CPMS_TIMEOUT_MS,
      }),
    };
  }
  const token = config.CPMS_SIMULATOR_TOKEN ?? randomBytes(24).toString('base64url');
  const simulator = new CpmsSimulator({ token, clock: deps.clock });
  const baseUrl = await simulator.listen(0, '127.0.0.1');
  deps.logger.info('CPMS simulator listening', { url: baseUrl });
  return { simulator, adapter: simulatorCpmsClient({ baseUrl, token, timeoutMs: config.CPMS_TIMEOUT_MS }) };
};

export const startCharging = async (deps: ChargingDeps): Promise<Charging> => {
  const { config, logger, clock, eventStore, readStore, jobQueue } = deps;
  const cpms = await openCpms(deps);
  // An API-only process on the in-process queue has no worker to run what it would queue.
  const canQueue = deps.roles.includes('worker') || config.REDIS_URL !== undefined;
  const tariffs = tariffService({ eventStore, clock });
  const charges = chargeService({
    eventStore,
    clock,
    paymentIntents: deps.paymentIntents,
    tariffs,
    settings: {
      vatRatePercent: config.VAT_RATE_PERCENT,
      timeZone: config.TARIFF_TIME_ZONE,
      startTimeoutMs: config.CHARGE_START_TIMEOUT_SECONDS * 1000,
      stopMargin: { minor: config.CHARGE_STOP_MARGIN_MINOR, percent: config.CHARGE_STOP_MARGIN_PERCENT },
    },
    ...(canQueue ? { onChanged: chargeKicker({ jobQueue, clock, logger }) } : {}),
  });

  return {
    tariffs,
    charges,
    ...(cpms.simulator ? { simulator: cpms.simulator } : {}),
    routers: (read) => [
      tariffRoutes({ ...read, service: tariffs }),
      adhocChargeRoutes({ ...read, service: charges }),
    ],
    startWorkers: () => {
      if (!cpms.adapter) throw new Error('charge workers need a CPMS adapter');
      const adapter = deps.routeCpms ? deps.routeCpms(cpms.adapter) : cpms.adapter;
      return startChargeWorkers({
        jobQueue,
        clock,
        logger,
        readStore,
        charges,
        paymentIntents: deps.paymentIntents,
        cpms: adapter,
        sweepIntervalMs: config.CHARGE_SWEEP_INTERVAL_MS,
        pollIntervalMs: config.CPMS_POLL_INTERVAL_MS,
        lateStartWatchMs: config.CHARGE_LATE_START_WATCH_SECONDS * 1000,
        ...(deps.hooks ? { hooks: deps.hooks } : {}),
      });
    },
    close: async () => {
      await cpms.simulator?.close();
    },
  };
};
