import { z } from 'zod';
import { OCPP_CONNECTOR_STATUSES } from '../station-adapter';

/**
 * The shapes of Longship's CPMS API v1 that the adapter, the simulator and the webhook receiver share.
 * Only the fields EdgePay reads are checked; others pass through.
 */
export const LONGSHIP_TENANT_KEY_HEADER = 'ocp-apim-subscription-key';
export const LONGSHIP_APPLICATION_KEY_HEADER = 'x-api-key';
/** The header Longship's webhook configuration sends with every push, holding our per-adapter secret. */
export const LONGSHIP_WEBHOOK_SECRET_HEADER = 'x-longship-webhook-secret';

export const LONGSHIP_SESSION_STATUSES = [
  'ACTIVE',
  'COMPLETED',
  'INVALID',
  'PENDING',
  'RESERVATION',
] as const;
export type LongshipSessionStatus = (typeof LONGSHIP_SESSION_STATUSES)[number];

export const longshipErrorSchema = z.object({
  code: z.string().optional(),
  errorDetails: z.object({ message: z.string().optional(), referenceId: z.string().optional() }).optional(),
});
export type LongshipError = z.infer<typeof longshipErrorSchema>;

export const longshipMessageSchema = z.object({
  messageId: z.string(),
  status: z.string(),
});

export const longshipSessionSchema = z.object({
  id: z.string(),
  chargePointId: z.string(),
  connectorNumber: z.number().int(),
  idTag: z.string().nullish(),
  transactionId: z.union([z.string(), z.number()]).nullish(),
  status: z.enum(LONGSHIP_SESSION_STATUSES),
  start: z.string().nullish(),
  stop: z.string().nullish(),
  meterStartInWh: z.number().nullish(),
  meterStopInWh: z.number().nullish(),
  totalEnergyInKwh: z.number().nullish(),
});
export type LongshipSession = z.infer<typeof longshipSessionSchema>;

const ocppStatus = z.enum(OCPP_CONNECTOR_STATUSES);

export const longshipChargePointStatusSchema = z.object({
  chargePointId: z.string(),
  connectivityStatus: z.enum(['ONLINE', 'OFFLINE']),
  connectivityStatusUpdated: z.string().nullish(),
  connectors: z.array(
    z.object({
      connectorNumber: z.number().int().nonnegative(),
      operationalStatus: ocppStatus.catch('Unknown'),
      operationalStatusUpdated: z.string().nullish(),
    }),
  ),
});
export type LongshipChargePointStatus = z.infer<typeof longshipChargePointStatusSchema>;

/** A CloudEvents 1.0 envelope in structured mode. */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }).optional(),
  subject: z.string().max(200).optional(),
  datacontenttype: z.string().max(100).optional(),
  data: z.unknown().optional(),
});
export type CloudEvent = z.infer<typeof cloudEventSchema>;

const chargePointId = z.string().min(1).max(200);

export const longshipEventDataSchemas = {
  OperationalStatusChanged: z.object({
    chargePointId,
    connectorNumber: z.number().int().nonnegative().max(1000),
    status: ocppStatus,
  }),
  ConnectivityStatusChanged: z.object({ chargePointId, status: z.enum(['ONLINE', 'OFFLINE']) }),
  SessionStart: z.object({
    sessionId: z.string().min(1).max(200),
    chargePointId,
    connectorNumber: z.number().int().nonnegative().max(1000).optional(),
    totalEnergyInKwh: z.number().nonnegative().optional(),
  }),
  CdrCreated: z.object({
    sessionId: z.string().min(1).max(200),
    chargePointId,
    connectorNumber: z.number().int().nonnegative().max(1000).optional(),
    totalEnergyInKwh: z.number().nonnegative().optional(),
  }),
} as const;

/** `Link: <url>; rel="next"` -> url. */
export const nextLinkOf = (link: string | null): string | undefined =>
  link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim())?.[1])
    .find((url) => url !== undefined);
