import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { ChargeService } from '../commands/charges/charge.service';
import { connectorStatusService } from '../commands/charging-infrastructure/connector-status.service';
import { stationAdapterConfigService } from '../commands/charging-infrastructure/station-adapter-config.service';
import { stationMappingService } from '../commands/charging-infrastructure/station-mapping.service';
import type { ReadSide } from '../http/read-your-writes';
import { chargingInfrastructureRoutes } from '../http/routes/charging-infrastructure.routes';
import type { HealthCheck } from '../http/routes/health.routes';
import { stationMappingRoutes } from '../http/routes/station-mappings.routes';
import type { Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { CpmsAdapter } from '../integrations/cpms/cpms-adapter';
import {
  STATION_ADAPTER_TYPES,
  type StationAdapterSettings,
  type StationAdapterType,
} from '../integrations/cpms/station-adapter';
import {
  stationAdapterRegistry,
  type StationAdapterFactories,
} from '../integrations/cpms/station-adapter-registry';
import { stationRoutingCpms } from '../integrations/cpms/station-routing-cpms';
import { createSecretBox } from '../webhooks/secret-box';
import { startConnectorStatusPoller } from '../workers/charging-infrastructure/connector-status-poller';
import { observationSink } from '../workers/charging-infrastructure/observation-sink';
import { runPeriodically } from '../workers/run-periodically';
import type { StationWebhookReceiver } from './station-adapter-factories';

export interface ChargingInfrastructureDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
  readStore: ReadStore;
  factories: StationAdapterFactories;
  webhookReceivers: readonly StationWebhookReceiver[];
  /** Session observations become charge status reports (late-bound: the charges are built after this). */
  charges: Pick<ChargeService, 'reportCpmsStatus'>;
  /** The process's metrics registry, where the adapters count their calls. */
  metricsRegistry?: Registry;
}

/** The charging infrastructure group's part of the composition: mappings, connectors, adapters. */
export const chargingInfrastructureRuntime = (deps: ChargingInfrastructureDeps) => {
  const { config, logger, clock, eventStore, readStore } = deps;
  const connectorStatuses = connectorStatusService({ eventStore, clock });
  const mappings = stationMappingService({ eventStore, clock, connectorStatuses });
  const configs = stationAdapterConfigService({
    eventStore,
    clock,
    secretBox: createSecretBox(config.WEBHOOK_SECRET_ENCRYPTION_KEY),
  });
  const sink = observationSink({
    readStore,
    connectorStatuses,
    charges: deps.charges,
    logger,
  });
  const registry = stationAdapterRegistry({
    factories: deps.factories,
    loadSettings: configs.liveSettings,
    adapterDeps: {
      now: () => clock.now(),
      sink,
      logger,
      ...(deps.metricsRegistry ? { registry: deps.metricsRegistry } : {}),
    },
    logger,
  });

  return {
    mappings,
    configs,
    sink,
    registry,

    /** The charges' CPMS port: mapped stations through their adapters, the rest through `fallback`. */
    routeCpms: (fallback: CpmsAdapter, ocpi?: CpmsAdapter): CpmsAdapter =>
      stationRoutingCpms({
        fallback,
        routeOf: mappings.routeOf,
        lookup: registry.lookup,
        ...(ocpi ? { ocpi } : {}),
      }),

    /**
     * The CPMS webhook receivers, and the refresh of the settings they check callers against: read from
     * the configuration stream every tick (not from an adapter, which an API-only process never builds),
     * so a secret changed through the API, here or in another process, is in force within a tick.
     */
    startReceivers: () => {
      const receiverSettings = new Map<StationAdapterType, StationAdapterSettings>();
      const refresh = runPeriodically(
        'CPMS receiver settings refresh',
        config.CPMS_CONNECTOR_POLL_TICK_MS,
        logger,
        async () => {
          for (const adapterType of STATION_ADAPTER_TYPES) {
            const live = await configs.liveSettings(adapterType);
            if (live) receiverSettings.set(adapterType, live.settings);
            else receiverSettings.delete(adapterType);
          }
        },
      );
      const longshipWebhookSecret = (): string | undefined => {
        const settings = receiverSettings.get('longship');
        return settings?.adapterType === 'longship' ? settings.credentials.webhookSecret : undefined;
      };
      return {
        routers: deps.webhookReceivers.map((receiver) => receiver({ sink, longshipWebhookSecret, logger })),
        close: () => refresh.close(),
      };
    },

    routers: (read: ReadSide): Router[] => [
      stationMappingRoutes({ ...read, service: mappings, lookup: registry.lookup }),
      chargingInfrastructureRoutes({ ...read, configs, health: registry.health }),
    ],

    /** One informational check per configured adapter in /health/detailed: fails when it is down. */
    healthChecks: (): HealthCheck[] =>
      STATION_ADAPTER_TYPES.map((adapterType) => ({
        name: `cpmsAdapter:${adapterType}`,
        componentType: 'component',
        informational: true,
        check: async () => {
          const found = await registry.lookup(adapterType);
          if (found.kind === 'not_configured') return;
          if (found.kind === 'unavailable')
            throw new Error(`${adapterType} is configured but this gateway has no adapter for it`);
          const health = found.adapter.health();
          if (health.state !== 'up')
            throw new Error(
              `${adapterType} ${health.state}${health.lastError ? `: ${health.lastError.code}` : ''}`,
            );
        },
      })),

    /** The worker role's part: polling connector statuses of the adapters that ask for it. */
    startWorker: () =>
      startConnectorStatusPoller({
        readStore,
        lookup: registry.lookup,
        sink,
        logger,
        tickMs: config.CPMS_CONNECTOR_POLL_TICK_MS,
      }),

    close: () => registry.close(),
  };
};

export type ChargingInfrastructure = ReturnType<typeof chargingInfrastructureRuntime>;
