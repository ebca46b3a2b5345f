import type { CpmsSessionStatus, MeterReading } from '../../domain/charge-session/charge-session.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';

/** Payment intent events after which its capture has settled one way or the other. */
const SETTLED_INTENT_EVENTS = new Set([
  'PaymentIntentCaptured',
  'PaymentIntentCaptureFailed',
  'PaymentIntentVoided',
  'PaymentIntentExpired',
]);

/** OCPI SessionStatus in the CPMS port's vocabulary. */
export const CPMS_STATUS_OF_OCPI_SESSION: Record<string, CpmsSessionStatus> = {
  PENDING: 'WAITING_TO_START',
  RESERVATION: 'WAITING_TO_START',
  ACTIVE: 'STARTED',
  COMPLETED: 'COMPLETE',
  INVALID: 'FAILED',
};

/** What the OCPI process manager does for one event of the global stream. */
export type OcpiFlowWork =
  /** A Financial Advice Confirmation may now be due for this intent (it settled, or its CDR arrived). */
  | { kind: 'confirm'; paymentIntentId: string }
  /** A CPO's session that names our intent: the charge paying with it follows its energy and status. */
  | {
      kind: 'feed-charge';
      paymentIntentId: string;
      sessionId: string;
      status: CpmsSessionStatus;
      reading: MeterReading;
    };

const stringField = (data: unknown, field: string): string | undefined => {
  const value = (data as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/** Pure: the work an event asks for, if any. Events are read loosely: a stream of every type passes here. */
export const ocpiFlowWorkOf = (event: Pick<RecordedEvent, 'type' | 'data'>): OcpiFlowWork | undefined => {
  if (SETTLED_INTENT_EVENTS.has(event.type) || event.type === 'OcpiCdrReceived') {
    const paymentIntentId = stringField(event.data, 'paymentIntentId');
    return paymentIntentId ? { kind: 'confirm', paymentIntentId } : undefined;
  }
  if (event.type !== 'OcpiSessionStored') return undefined;
  const data = event.data as { sessionId: string; status: string; kwh: number; lastUpdated: string };
  const paymentIntentId = stringField(event.data, 'authorizationReference');
  const status = CPMS_STATUS_OF_OCPI_SESSION[data.status];
  if (!paymentIntentId || !status) return undefined;
  return {
    kind: 'feed-charge',
    paymentIntentId,
    sessionId: data.sessionId,
    status,
    reading: { measuredAt: data.lastUpdated, meterWh: Math.round(data.kwh * 1000) },
  };
};
