import {
  chargeSessionEventCodec,
  type ChargeSessionEvent,
  type SettlementOutcome,
} from '../../domain/charge-session/charge-session.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import { CHARGES_COLLECTION, type ChargeDocument } from './charge.document';

const apply = (doc: ChargeDocument | null, event: ChargeSessionEvent): ChargeDocument | null => {
  if (event.type === 'ChargeSessionStarted') {
    const { data } = event;
    return {
      _id: data.chargeId,
      id: data.chargeId,
      object: 'adhoc_charge',
      status: 'pending',
      merchantId: data.merchantId,
      terminalId: data.terminalId,
      stationId: data.stationId,
      connectorId: data.connectorId,
      evseId: data.evseId,
      paymentIntentId: data.paymentIntentId,
      tariffId: data.tariffId,
      currency: data.currency,
      amountAuthorized: data.amountAuthorized,
      stopThreshold: data.stopThreshold,
      vatRatePercent: data.vatRatePercent,
      cpms: { sessionId: null, startAccepted: false },
      meter: { energyWh: 0, powerKw: null, lastReadingAt: null },
      chargingPeriods: [],
      runningCost: { exclVat: 0, vat: 0, inclVat: 0 },
      finalCost: null,
      amountDue: null,
      amountUncovered: null,
      stop: null,
      completionReason: null,
      failure: null,
      settlement: null,
      metadata: data.metadata,
      createdAt: data.startedAt,
      updatedAt: data.startedAt,
      startDeadline: data.startDeadline,
      activatedAt: null,
      completedAt: null,
      failedAt: null,
      version: 0,
    };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'ChargeSessionCpmsStartAccepted':
      return {
        ...doc,
        cpms: { sessionId: doc.cpms.sessionId ?? event.data.cpmsSessionId, startAccepted: true },
      };
    case 'ChargeSessionActivated':
      return {
        ...doc,
        status: 'active',
        cpms: { ...doc.cpms, sessionId: event.data.cpmsSessionId ?? doc.cpms.sessionId },
        activatedAt: event.data.activatedAt,
      };
    case 'ChargeSessionProgressRecorded': {
      const { reading, period, runningCost } = event.data;
      return {
        ...doc,
        meter: {
          energyWh: reading.meterWh,
          powerKw: reading.powerKw ?? null,
          lastReadingAt: reading.measuredAt,
        },
        chargingPeriods: [...doc.chargingPeriods, period],
        runningCost,
      };
    }
    case 'ChargeSessionStopRequested':
      return {
        ...doc,
        status: doc.status === 'active' ? 'stopping' : doc.status,
        stop: {
          reason: event.data.reason,
          status: 'pending',
          failureReason: null,
          requestedAt: event.data.requestedAt,
        },
      };
    case 'ChargeSessionCpmsStopAccepted':
      return doc.stop ? { ...doc, stop: { ...doc.stop, status: 'accepted' } } : doc;
    case 'ChargeSessionStopFailed':
      return {
        ...doc,
        status: doc.status === 'active' || doc.status === 'stopping' ? 'stop_failed' : doc.status,
        stop: doc.stop && { ...doc.stop, status: 'failed', failureReason: event.data.reason },
      };
    case 'ChargeSessionCompleted': {
      const { cost, amountDue, amountUncovered, reason, completedAt } = event.data;
      return {
        ...doc,
        status: 'completed',
        runningCost: { exclVat: cost.exclVat, vat: cost.vat, inclVat: cost.inclVat },
        finalCost: cost,
        amountDue,
        amountUncovered,
        completionReason: reason,
        completedAt,
      };
    }
    case 'ChargeSessionFailed':
      return {
        ...doc,
        status: 'failed',
        failure: { reason: event.data.reason, message: event.data.message },
        failedAt: event.data.failedAt,
        stop:
          event.data.reason === 'start_timeout'
            ? {
                reason: 'start_timeout',
                status: 'pending',
                failureReason: null,
                requestedAt: event.data.failedAt,
              }
            : doc.stop,
      };
    case 'ChargeSessionSettled': {
      const { outcome, amountCaptured, failureCode, settledAt } = event.data;
      return {
        ...doc,
        settlement: {
          outcome,
          amountCaptured,
          amountOwed: owedAtSettlement(outcome, doc.amountDue ?? 0, amountCaptured),
          failureCode,
          settledAt,
          captureSettledAt: null,
        },
      };
    }
    case 'ChargeSessionCaptureSettled': {
      const { outcome, amountCaptured, amountOwed, failureCode, settledAt } = event.data;
      const settlement = doc.settlement;
      if (!settlement) throw new Error(`capture settled on charge ${doc.id} before its settlement`);
      return {
        ...doc,
        settlement: {
          ...settlement,
          outcome,
          amountCaptured,
          amountOwed,
          failureCode,
          captureSettledAt: settledAt,
        },
      };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

/** A voided charge owes nothing; a failed settlement leaves the whole amount due owed; pending is unknown. */
const owedAtSettlement = (outcome: SettlementOutcome, amountDue: number, amountCaptured: number) => {
  switch (outcome) {
    case 'capture_pending':
      return null;
    case 'voided':
      return 0;
    default:
      return Math.max(0, amountDue - amountCaptured);
  }
};

export const evolveChargeDocument = (
  doc: ChargeDocument | null,
  recorded: RecordedEvent,
): ChargeDocument | null => {
  const next = apply(doc, chargeSessionEventCodec.decode(recorded));
  return next && { ...next, updatedAt: recorded.metadata.occurredAt, version: recorded.revision + 1 };
};

export const chargeProjection: Projection<ChargeDocument> = {
  name: 'charges',
  collection: CHARGES_COLLECTION,
  eventTypes: chargeSessionEventCodec.eventTypes,
  documentId: (event) => (event.data as { chargeId?: string }).chargeId ?? null,
  evolve: evolveChargeDocument,
  indexes: [
    { keys: { merchantId: 1, createdAt: -1 } },
    { keys: { status: 1 } },
    { keys: { paymentIntentId: 1 } },
    // The CPMS observation sink finds a pushed session's charge by the CPMS's session id.
    { keys: { 'cpms.sessionId': 1 } },
    // The worker's sweep (OPEN_CHARGES_FILTER) reads only the charges with work left through these three.
    { keys: { 'stop.status': 1 } },
    { keys: { settlement: 1 } },
    { keys: { 'settlement.outcome': 1 } },
  ],
};

/** Renders the resource straight from its stream, with the same pure function the projection uses. */
export const chargeFromStream = (stream: readonly RecordedEvent[]): ChargeDocument | null =>
  stream.reduce<ChargeDocument | null>(evolveChargeDocument, null);
