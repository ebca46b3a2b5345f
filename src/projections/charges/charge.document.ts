import type {
  ChargingPeriod,
  CompletionReason,
  Cost,
  FailureReason,
  FinalCost,
  SettlementOutcome,
  StopReason,
} from '../../domain/charge-session/charge-session.events';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export const CHARGES_COLLECTION = 'charges';

export type ChargeStatus = 'pending' | 'active' | 'stopping' | 'stop_failed' | 'completed' | 'failed';

/** The ad-hoc charge read model: the API resource plus `_id`. */
export interface ChargeDocument extends StoredDocument {
  id: string;
  object: 'adhoc_charge';
  status: ChargeStatus;
  merchantId: string;
  terminalId: string | null;
  stationId: string;
  connectorId: string;
  evseId: string | null;
  paymentIntentId: string;
  tariffId: string;
  currency: string;
  amountAuthorized: number;
  stopThreshold: number;
  vatRatePercent: number;
  cpms: { sessionId: string | null; startAccepted: boolean };
  meter: { energyWh: number; powerKw: number | null; lastReadingAt: string | null };
  chargingPeriods: ChargingPeriod[];
  runningCost: Cost;
  finalCost: FinalCost | null;
  amountDue: number | null;
  amountUncovered: number | null;
  stop: {
    reason: StopReason;
    status: 'pending' | 'accepted' | 'failed';
    failureReason: string | null;
    requestedAt: string;
  } | null;
  completionReason: CompletionReason | null;
  failure: { reason: FailureReason; message: string } | null;
  settlement: {
    outcome: SettlementOutcome;
    amountCaptured: number;
    /** What the driver still owes of the amount due; null while an asynchronous capture is pending. */
    amountOwed: number | null;
    failureCode: string | null;
    settledAt: string;
    /** When the asynchronous capture a `capture_pending` settlement handed over ended. */
    captureSettledAt: string | null;
  } | null;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  startDeadline: string;
  activatedAt: string | null;
  completedAt: string | null;
  failedAt: string | null;
  version: number;
}
