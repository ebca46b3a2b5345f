import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';
import { currencySchema, minorUnitsSchema, positiveMinorUnitsSchema } from '../shared/money';
import { TARIFF_DIMENSIONS, tariffDefinitionSchema } from '../tariff/tariff.model';

const timestamp = z.iso.datetime();
const measurement = z.number().nonnegative().max(1_000_000);

/** The vocabulary of Longship/Corpay sessions, which the CPMS port speaks for every adapter. */
export const CPMS_SESSION_STATUSES = [
  'CREATED',
  'WAITING_TO_START',
  'STARTED',
  'WAITING_TO_STOP',
  'STOPPED',
  'COMPLETE',
  'FAILED',
  'UNKNOWN',
  'STOP_FAILED',
] as const;
export type CpmsSessionStatus = (typeof CPMS_SESSION_STATUSES)[number];

/**
 * Where a mapped station's CPMS accepted the start: the adapter type and the CPMS's ids of the connector.
 * The session's later calls (polls, stop) go there, even if the station's mapping changes meanwhile.
 */
export const cpmsRouteSchema = z.object({
  adapterType: z.string().min(1).max(40),
  chargePointId: z.string().min(1).max(200),
  connectorNumber: z.number().int().nonnegative(),
  cpmsConnectorId: z.string().min(1).max(200).optional(),
  locationId: z.string().min(1).max(200).optional(),
  evseUid: z.string().min(1).max(200).optional(),
});
export type ChargeCpmsRoute = z.infer<typeof cpmsRouteSchema>;

export const meterReadingSchema = z.object({
  measuredAt: timestamp,
  /** Cumulative energy delivered in this session, Wh (the session meter starts at 0). */
  meterWh: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  powerKw: measurement.optional(),
  currentA: measurement.optional(),
});
export type MeterReading = z.infer<typeof meterReadingSchema>;

/** Between two readings: an OCPI charging period in the making (energy 0 is parking). */
export const chargingPeriodSchema = z.object({
  startAt: timestamp,
  endAt: timestamp,
  energyWh: z.number().int().nonnegative(),
  powerKw: measurement.optional(),
  currentA: measurement.optional(),
});

export const costSchema = z.object({
  exclVat: minorUnitsSchema,
  vat: minorUnitsSchema,
  inclVat: minorUnitsSchema,
});

export const finalCostSchema = costSchema.extend({
  minPriceApplied: z.boolean(),
  maxPriceApplied: z.boolean(),
  dimensions: z.array(
    z.object({
      dimension: z.enum(TARIFF_DIMENSIONS),
      quantity: z.number().int().nonnegative(),
      exclVat: minorUnitsSchema,
      inclVat: minorUnitsSchema,
    }),
  ),
});

export const STOP_REASONS = [
  'preauthorization_limit',
  'completed',
  'start_timeout',
  'start_after_failure',
] as const;
export const FAILURE_REASONS = ['cpms_refused', 'start_timeout', 'cpms_failed', 'cpms_stopped'] as const;
export const COMPLETION_REASONS = ['terminal', 'cpms_stopped', 'cpms_failed'] as const;
/** capture_pending: handed to an asynchronous capture (Edenred); the payment intent records its outcome. */
export const SETTLEMENT_OUTCOMES = ['captured', 'voided', 'failed', 'capture_pending'] as const;
/** How an asynchronous capture ended: captured (all, or part with the rest owed) or failed (all owed). */
export const CAPTURE_SETTLEMENT_OUTCOMES = ['captured', 'failed'] as const;

const chargeId = z.string();

export const chargeSessionEventSchemas = {
  /** The charge exists and waits for the CPMS (status pending); the tariff is fixed from here on. */
  ChargeSessionStarted: z.object({
    chargeId,
    merchantId: z.string(),
    terminalId: z.string().nullable(),
    paymentIntentId: z.string(),
    stationId: z.string(),
    connectorId: z.string(),
    evseId: z.string().nullable(),
    tariffId: z.string(),
    tariff: tariffDefinitionSchema,
    currency: currencySchema,
    amountAuthorized: positiveMinorUnitsSchema,
    /** Running cost (including VAT) at which the gateway asks the CPMS to stop. */
    stopThreshold: minorUnitsSchema,
    vatRatePercent: z.number().min(0).max(100),
    timeZone: z.string(),
    startDeadline: timestamp,
    metadata: z.record(z.string(), z.string()),
    startedAt: timestamp,
  }),
  ChargeSessionCpmsStartAccepted: z.object({
    chargeId,
    cpmsSessionId: z.string().nullable(),
    /** Absent in events recorded before routes were kept, and for the default CPMS. */
    cpmsRoute: cpmsRouteSchema.nullable().optional(),
    acceptedAt: timestamp,
  }),
  /** The CPMS confirmed the session is running (status active). */
  ChargeSessionActivated: z.object({
    chargeId,
    cpmsSessionId: z.string().nullable(),
    activatedAt: timestamp,
  }),
  ChargeSessionProgressRecorded: z.object({
    chargeId,
    reading: meterReadingSchema,
    period: chargingPeriodSchema,
    runningCost: costSchema,
    recordedAt: timestamp,
  }),
  ChargeSessionStopRequested: z.object({
    chargeId,
    reason: z.enum(STOP_REASONS),
    requestedAt: timestamp,
  }),
  ChargeSessionCpmsStopAccepted: z.object({ chargeId, acceptedAt: timestamp }),
  ChargeSessionStopFailed: z.object({ chargeId, reason: z.string(), failedAt: timestamp }),
  ChargeSessionCompleted: z.object({
    chargeId,
    reason: z.enum(COMPLETION_REASONS),
    energyWh: z.number().int().nonnegative(),
    cost: finalCostSchema,
    /** Zero energy voids the payment instead of capturing. */
    paymentAction: z.enum(['capture', 'void']),
    /** What is captured: the cost including VAT, never more than authorized. */
    amountDue: minorUnitsSchema,
    /** Cost above the authorization (a stop the CPMS did not honour in time); never captured. */
    amountUncovered: minorUnitsSchema,
    completedAt: timestamp,
  }),
  ChargeSessionFailed: z.object({
    chargeId,
    reason: z.enum(FAILURE_REASONS),
    message: z.string(),
    /** The CPMS took the start command but did not confirm it: the charger may still start the session. */
    startMayFollow: z.boolean().optional(),
    failedAt: timestamp,
  }),
  /** The payment intent was captured or voided for this charge (or could not be: `failed`). */
  ChargeSessionSettled: z.object({
    chargeId,
    paymentIntentId: z.string(),
    outcome: z.enum(SETTLEMENT_OUTCOMES),
    amountCaptured: minorUnitsSchema,
    failureCode: z.string().nullable(),
    settledAt: timestamp,
  }),
  /**
   * The asynchronous capture a `capture_pending` settlement handed over has ended, as the payment intent
   * recorded it: what was taken, and what the driver still owes of the amount due (a partial or failed capture).
   */
  ChargeSessionCaptureSettled: z.object({
    chargeId,
    paymentIntentId: z.string(),
    outcome: z.enum(CAPTURE_SETTLEMENT_OUTCOMES),
    amountCaptured: minorUnitsSchema,
    amountOwed: minorUnitsSchema,
    failureCode: z.string().nullable(),
    settledAt: timestamp,
  }),
} as const;

export type ChargeSessionEvent = EventsOf<typeof chargeSessionEventSchemas>;
export type ChargeSessionEventType = ChargeSessionEvent['type'];
export type ChargeSessionEventOf<Type extends ChargeSessionEventType> = Extract<
  ChargeSessionEvent,
  { type: Type }
>;
export type ChargingPeriod = z.infer<typeof chargingPeriodSchema>;
export type Cost = z.infer<typeof costSchema>;
export type FinalCost = z.infer<typeof finalCostSchema>;
export type StopReason = (typeof STOP_REASONS)[number];
export type FailureReason = (typeof FAILURE_REASONS)[number];
export type CompletionReason = (typeof COMPLETION_REASONS)[number];
export type SettlementOutcome = (typeof SETTLEMENT_OUTCOMES)[number];
export type CaptureSettlementOutcome = (typeof CAPTURE_SETTLEMENT_OUTCOMES)[number];

export const chargeSessionEventCodec = zodEventCodec(chargeSessionEventSchemas);
