import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

export const TERMINAL_STATUSES = ['active', 'suspended', 'maintenance', 'decommissioned'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export const CONNECTIVITY_STATES = ['online', 'offline'] as const;
export type Connectivity = (typeof CONNECTIVITY_STATES)[number];
export const HEALTH_REPORT_TYPES = ['heartbeat', 'battery', 'paper', 'network', 'firmware', 'error'] as const;
export type HealthReportType = (typeof HEALTH_REPORT_TYPES)[number];
export const PAPER_STATUSES = ['ok', 'low', 'out'] as const;
export const NETWORK_TYPES = ['ethernet', 'wifi', 'cellular'] as const;
export const HEALTH_STATUSES = ['unknown', 'ok', 'degraded'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];
export const HEALTH_PROBLEMS = [
  'low_battery',
  'paper_low',
  'paper_out',
  'weak_signal',
  'error_codes',
] as const;
export type HealthProblem = (typeof HEALTH_PROBLEMS)[number];

const timestamp = z.iso.datetime();

const batterySchema = z.object({ levelPercent: z.number().int().min(0).max(100), charging: z.boolean() });
const paperSchema = z.object({ status: z.enum(PAPER_STATUSES) });
const networkSchema = z.object({
  type: z.enum(NETWORK_TYPES),
  signalDbm: z.number().int().min(-150).max(0).nullable(),
});

/** What one health event reports; which parts are present depends on its type. */
export const healthReadingsSchema = z.object({
  battery: batterySchema.optional(),
  paper: paperSchema.optional(),
  network: networkSchema.optional(),
  firmwareVersion: z.string().optional(),
  errorCodes: z.array(z.string()).optional(),
});
export type HealthReadings = z.infer<typeof healthReadingsSchema>;

const reported = { reportedAt: timestamp };

/**
 * The terminal's health after a report. Each part remembers the device time it was reported at, so an
 * older report arriving late never overwrites a newer reading.
 */
export const terminalHealthSchema = z.object({
  status: z.enum(HEALTH_STATUSES),
  problems: z.array(z.enum(HEALTH_PROBLEMS)),
  battery: batterySchema.extend(reported).nullable(),
  paper: paperSchema.extend(reported).nullable(),
  network: networkSchema.extend(reported).nullable(),
  errorCodes: z.object({ codes: z.array(z.string()), ...reported }).nullable(),
  firmwareReportedAt: timestamp.nullable(),
});
export type TerminalHealth = z.infer<typeof terminalHealthSchema>;

/** The attributes fleet statistics count by, as they were when the terminal's status changed. */
const statsAttributesSchema = z.object({
  model: z.string(),
  firmwareVersion: z.string().nullable(),
  connectivity: z.enum(CONNECTIVITY_STATES),
  healthStatus: z.enum(HEALTH_STATUSES),
  problems: z.array(z.enum(HEALTH_PROBLEMS)),
});

export const terminalEventSchemas = {
  TerminalRegistered: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    serialNumber: z.string(),
    model: z.string(),
    manufacturer: z.string().nullable(),
    stationId: z.string(),
    label: z.string().nullable(),
    firmwareVersion: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    /** The API key issued to the terminal (its id, never the key). */
    credentialId: z.string(),
    registeredAt: timestamp,
  }),
  TerminalHealthReported: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    /** The terminal's own id for the event: a repeat is ignored. */
    eventId: z.string(),
    type: z.enum(HEALTH_REPORT_TYPES),
    /** Device time, never later than receivedAt. */
    occurredAt: timestamp,
    receivedAt: timestamp,
    readings: healthReadingsSchema,
    /** The state after the report: last seen, firmware and health. */
    lastSeenAt: timestamp,
    firmwareVersion: z.string().nullable(),
    health: terminalHealthSchema,
    /** What the report changed among the attributes statistics count by (Stripe's previous_attributes). */
    previousAttributes: z.object({
      firmwareVersion: z.string().nullable().optional(),
      healthStatus: z.enum(HEALTH_STATUSES).optional(),
      problems: z.array(z.enum(HEALTH_PROBLEMS)).optional(),
    }),
  }),
  TerminalWentOffline: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    lastSeenAt: timestamp.nullable(),
    detectedAt: timestamp,
  }),
  TerminalCameOnline: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    lastSeenAt: timestamp,
    cameOnlineAt: timestamp,
  }),
  TerminalStatusChanged: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    status: z.enum(TERMINAL_STATUSES),
    previousStatus: z.enum(TERMINAL_STATUSES),
    reason: z.string().nullable(),
    attributes: statsAttributesSchema,
    changedAt: timestamp,
  }),
  TerminalCredentialRotated: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    credentialId: z.string(),
    previousCredentialId: z.string(),
    rotatedAt: timestamp,
  }),
} as const;

export type TerminalEvent = EventsOf<typeof terminalEventSchemas>;
export type TerminalEventType = TerminalEvent['type'];
export type TerminalEventOf<Type extends TerminalEventType> = Extract<TerminalEvent, { type: Type }>;

export const terminalEventCodec = zodEventCodec(terminalEventSchemas);
