import type { Router } from 'express';
import type { Logger } from '../infrastructure/logging/logger';
import type { ObservationSink } from '../integrations/cpms/station-adapter';
import type { StationAdapterFactories } from '../integrations/cpms/station-adapter-registry';

/**
 * The CPMS adapters this build can run, by adapter type: a configured type without a factory here is
 * reported `unavailable` (its mapped stations' charges are refused, never left waiting).
 * The Longship and Corpay adapters are added here (`longshipAdapterFactory`, `corpayAdapterFactory`).
 */
export const STATION_ADAPTER_FACTORIES: StationAdapterFactories = {};

/** What a CPMS's webhook receiver gets: where observations go and the live secret it checks callers by. */
export interface StationWebhookReceiverPorts {
  sink: ObservationSink;
  /** The header secret of the live Longship configuration; undefined while there is none. */
  longshipWebhookSecret: () => string | undefined;
  logger: Logger;
}

/**
 * Routers a CPMS pushes to. They authenticate their callers themselves (a per-adapter header secret),
 * so they are mounted before API authentication. The Longship receiver is added here
 * (`longshipWebhookRouter({ webhookSecret: ports.longshipWebhookSecret, sink: ports.sink, logger })`).
 */
export type StationWebhookReceiver = (ports: StationWebhookReceiverPorts) => Router;
export const STATION_WEBHOOK_RECEIVERS: readonly StationWebhookReceiver[] = [];
