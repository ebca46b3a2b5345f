import type { ChargeDocument } from '../projections/charges/charge.document';
import { chargeFromStream } from '../projections/charges/charge.projection';
import { historyMapping, resourceAsOfEvent, type PublicEventMapping } from './public-event';

/**
 * The ad-hoc charge as subscribers see it: the CPMS's session ids, the stop threshold and the charging
 * periods stay out (plumbing, and the periods grow with every meter reading).
 */
export const publicCharge = (doc: ChargeDocument) => ({
  id: doc.id,
  object: doc.object,
  status: doc.status,
  terminalId: doc.terminalId,
  stationId: doc.stationId,
  connectorId: doc.connectorId,
  evseId: doc.evseId,
  paymentIntentId: doc.paymentIntentId,
  tariffId: doc.tariffId,
  currency: doc.currency,
  amountAuthorized: doc.amountAuthorized,
  vatRatePercent: doc.vatRatePercent,
  meter: doc.meter,
  runningCost: doc.runningCost,
  finalCost: doc.finalCost,
  amountDue: doc.amountDue,
  amountUncovered: doc.amountUncovered,
  stopReason: doc.stop?.reason ?? null,
  completionReason: doc.completionReason,
  failure: doc.failure,
  settlement: doc.settlement,
  metadata: doc.metadata,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  activatedAt: doc.activatedAt,
  completedAt: doc.completedAt,
  failedAt: doc.failedAt,
  version: doc.version,
});

const asOfEvent = resourceAsOfEvent(chargeFromStream, publicCharge);
const mapping = (domainEventType: string, publicType: string, build = asOfEvent) =>
  historyMapping(domainEventType, publicType, build);

/** Meter progress is not announced (one event per reading); the charge's milestones are. */
export const chargePublicEvents: readonly PublicEventMapping[] = [
  mapping('ChargeSessionStarted', 'charge.started'),
  mapping('ChargeSessionActivated', 'charge.activated'),
  mapping('ChargeSessionStopRequested', 'charge.stop_requested'),
  mapping('ChargeSessionCompleted', 'charge.completed'),
  mapping('ChargeSessionFailed', 'charge.failed'),
  mapping('ChargeSessionSettled', 'charge.settled'),
  mapping('ChargeSessionCaptureSettled', 'charge.capture_settled'),
];
