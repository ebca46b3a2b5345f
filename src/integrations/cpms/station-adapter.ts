import type { Registry } from 'prom-client';
import type { Logger } from '../../infrastructure/logging/logger';
import type { CpmsSessionView, StartSessionResult, StopSessionResult } from './cpms-adapter';

/**
 * The contract between the charging-infrastructure group (mappings, connectors, adapter config and health)
 * and the real CPMS adapters (Longship, Corpay, later OCPI). A station mapping turns a charge's station
 * and connector into a `CpmsTarget`; the router behind the charges' `CpmsAdapter` port sends each call to
 * the `StationAdapter` of the mapping's adapter type.
 */
export const STATION_ADAPTER_TYPES = ['longship', 'corpay'] as const;
export type StationAdapterType = (typeof STATION_ADAPTER_TYPES)[number];
/**
 * What a station mapping may name: a StationAdapter type, or `ocpi`, an OCPI CPO registered with us
 * (chargePointId = its party ref, locationId = its location, connectors' evseUid = its EVSEs), which has
 * no adapter configuration of its own: its calls go to the OCPI runtime's CPMS adapter.
 */
export const MAPPED_ADAPTER_TYPES = [...STATION_ADAPTER_TYPES, 'ocpi'] as const;
export type MappedAdapterType = (typeof MAPPED_ADAPTER_TYPES)[number];

/** The CPMS's own ids for one connector of a mapped station. */
export interface CpmsTarget {
  chargePointId: string;
  /** OCPP connector number on the charge point (1-based). */
  connectorNumber: number;
  /** The CPMS's id for the connector when it has one (Corpay's `connectorId`, an OCPI EVSE uid). */
  cpmsConnectorId?: string;
  locationId?: string;
  evseUid?: string;
}

export interface StationStartRequest {
  /** Our charge id: the reference a retried start repeats so the CPMS can recognise it. */
  chargeId: string;
  target: CpmsTarget;
}

export interface StationSessionRequest {
  chargeId: string;
  target: CpmsTarget;
  cpmsSessionId: string | null;
}

export interface StationTestResult {
  ok: boolean;
  adapterType: StationAdapterType;
  latencyMs: number;
  /** What the CPMS said about the charge point, when it answered. */
  found?: {
    chargePointId: string;
    connectivity: 'online' | 'offline' | 'unknown';
    connectors: { connectorNumber: number; status: OcppConnectorStatus }[];
  };
  /** A precise, secret-free reason when `ok` is false (e.g. `cpms_auth_failed`, `charge_point_not_found`). */
  error?: { code: string; message: string; httpStatus?: number };
}

export const OCPP_CONNECTOR_STATUSES = [
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEVSE',
  'SuspendedEV',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
  'Unknown',
] as const;
export type OcppConnectorStatus = (typeof OCPP_CONNECTOR_STATUSES)[number];

/** One status the CPMS reported for a connector (pushed or polled), with the CPMS's own time. */
export interface ConnectorStatusObservation {
  adapterType: StationAdapterType;
  chargePointId: string;
  connectorNumber: number;
  status: OcppConnectorStatus;
  connectivity?: 'online' | 'offline';
  /** When the CPMS observed it (its source time, ISO 8601 UTC): later observations win, never arrival order. */
  observedAt: string;
  source: 'push' | 'poll';
}

/** A session fact the CPMS pushed (Longship `SessionStart`/`SessionUpdate`/`SessionStop`, `CdrCreated`). */
export interface SessionObservation {
  adapterType: StationAdapterType;
  cpmsSessionId: string;
  chargePointId: string;
  connectorNumber?: number;
  status: CpmsSessionView['status'];
  energyWh?: number;
  observedAt: string;
}

export interface ObservationSink {
  connectorStatus(observation: ConnectorStatusObservation): Promise<void>;
  session(observation: SessionObservation): Promise<void>;
}

export type AdapterState = 'up' | 'degraded' | 'down';
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface AdapterHealthSnapshot {
  adapterType: StationAdapterType;
  state: AdapterState;
  lastSuccessAt: string | null;
  lastError: { at: string; code: string; message: string } | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** Failed calls over all calls in the recent window, 0..1. */
  errorRate: number;
  requestsInWindow: number;
  circuit: CircuitState;
  tokenExpiresAt: string | null;
}

export interface AdapterTimeouts {
  requestMs: number;
  /** How long a start may stay unconfirmed (Longship message / Corpay WAITING_TO_START) before it fails. */
  startConfirmMs: number;
}

export interface AdapterRetry {
  attempts: number;
  backoffMs: number;
}

export interface AdapterCircuitBreaker {
  failureThreshold: number;
  resetMs: number;
}

export interface LongshipCredentials {
  /** `Ocp-Apim-Subscription-Key`. */
  tenantKey: string;
  /** `x-api-key`. */
  applicationKey: string;
  /** The header secret Longship sends with its webhooks to our receiver. */
  webhookSecret: string;
}

export interface CorpayCredentials {
  clientId: string;
  clientSecret: string;
}

interface CommonAdapterSettings {
  baseUrl: string;
  timeouts: AdapterTimeouts;
  retry: AdapterRetry;
  circuitBreaker: AdapterCircuitBreaker;
  /** 0 turns polling of connector statuses off. */
  pollIntervalMs: number;
}

export type StationAdapterSettings =
  | (CommonAdapterSettings & { adapterType: 'longship'; credentials: LongshipCredentials })
  | (CommonAdapterSettings & { adapterType: 'corpay'; credentials: CorpayCredentials });

/**
 * One CPMS behind one adapter type. "No" from the CPMS is a result; transport failures, timeouts, 5xx
 * and an open circuit throw `CpmsUnavailableError` (the job queue retries them).
 */
export interface StationAdapter {
  readonly adapterType: StationAdapterType;
  startSession(request: StationStartRequest): Promise<StartSessionResult>;
  stopSession(request: StationSessionRequest): Promise<StopSessionResult>;
  /** undefined when the CPMS does not know the session. */
  getSession(request: StationSessionRequest): Promise<CpmsSessionView | undefined>;
  testStation(target: CpmsTarget): Promise<StationTestResult>;
  /** For CPMSs that cannot push: the current statuses of the given charge points. */
  pollConnectorStatuses(chargePointIds: readonly string[]): Promise<ConnectorStatusObservation[]>;
  health(): AdapterHealthSnapshot;
  close(): Promise<void>;
}

export interface StationAdapterDeps {
  now: () => Date;
  /** Receives what the CPMS pushes or what polling finds. */
  sink: ObservationSink;
  /** The process's metrics registry (`cpms_requests_total`, latency histogram); a private one when absent. */
  registry?: Registry;
  /** Where adapters log (never a secret); silent when absent. */
  logger?: Logger;
}

export type StationAdapterFactory = (
  settings: StationAdapterSettings,
  deps: StationAdapterDeps,
) => StationAdapter;
