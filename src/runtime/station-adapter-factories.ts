import { Router } from 'express';
import type { Logger } from '../infrastructure/logging/logger';
import {
  LONGSHIP_WEBHOOK_MOUNT_PATH,
  longshipWebhookRouter,
} from '../integrations/cpms/longship/longship-webhook-router';
import type { ObservationSink } from '../integrations/cpms/station-adapter';

/**
 * The CPMS adapters this build can run, by adapter type: a configured type without a factory is reported
 * `unavailable` (its mapped stations' charges are refused, never left waiting).
 */
export { STATION_ADAPTER_FACTORIES } from '../integrations/cpms/station-adapter-factories';

/** What a CPMS's webhook receiver gets: where observations go and the live secret it checks callers by. */
export interface StationWebhookReceiverPorts {
  sink: ObservationSink;
  /** The header secret of the live Longship configuration; undefined while there is none. */
  longshipWebhookSecret: () => string | undefined;
  logger: Logger;
}

/**
 * Routers a CPMS pushes to. They authenticate their callers themselves (a per-adapter header secret) and
 * parse their own bodies, so they are mounted before API authentication and the JSON parser.
 */
export type StationWebhookReceiver = (ports: StationWebhookReceiverPorts) => Router;
export const STATION_WEBHOOK_RECEIVERS: readonly StationWebhookReceiver[] = [
  (ports) =>
    Router().use(
      LONGSHIP_WEBHOOK_MOUNT_PATH,
      longshipWebhookRouter({
        webhookSecret: ports.longshipWebhookSecret,
        sink: ports.sink,
        logger: ports.logger,
      }),
    ),
];
