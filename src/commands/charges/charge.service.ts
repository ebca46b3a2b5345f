import type { ChargeCpmsRoute } from '../../domain/charge-session/charge-session.events';
import type { ChargeSessionCommand } from '../../domain/charge-session/charge-session.commands';
import {
  chargeSessionDecider,
  chargeSessionStreamName,
} from '../../domain/charge-session/charge-session.decider';
import {
  chargeSessionEventCodec,
  type CpmsSessionStatus,
  type MeterReading,
  type CaptureSettlementOutcome,
  type SettlementOutcome,
} from '../../domain/charge-session/charge-session.events';
import type { ChargeSessionState } from '../../domain/charge-session/charge-session.state';
import { stopThreshold } from '../../domain/charge-session/stop-threshold';
import { conflict, DomainError, invalid, notFound } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import { canReach, type AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import type { ChargeDocument } from '../../projections/charges/charge.document';
import { evolveChargeDocument } from '../../projections/charges/charge.projection';
import { commandHandlerFor, type CommandResult } from '../command-handler';
import type { PaymentIntentService } from '../payment-intents/payment-intent.service';
import type { TariffService } from '../tariffs/tariff.service';

export interface ChargeSettings {
  vatRatePercent: number;
  timeZone: string;
  startTimeoutMs: number;
  stopMargin: { minor: number; percent: number };
}

export interface ChargeServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  paymentIntents: PaymentIntentService;
  tariffs: TariffService;
  settings: ChargeSettings;
  /** Told about every command that changed a charge, so the process managers can act at once. */
  onChanged?: (result: ChargeResult) => void;
}

export interface StartChargeInput {
  paymentIntentId: string;
  tariffId: string;
  stationId: string;
  connectorId: string;
  evseId?: string;
  metadata?: Record<string, string>;
}

export type ChargeResult = CommandResult<ChargeSessionState, ChargeDocument>;

export const chargeSessionAggregate = {
  decider: chargeSessionDecider,
  codec: chargeSessionEventCodec,
  streamName: chargeSessionStreamName,
  view: evolveChargeDocument,
};

/** One charge per payment intent, so any retry of a start (keyed or not) names the same charge. */
export const chargeIdFor = (paymentIntentId: string): string => deterministicId('ch', paymentIntentId);

/** Another merchant's (or terminal's) charge is reported as absent, so ids reveal nothing. */
const reachableBy = (scope: AccessScope, id: string) => (state: ChargeSessionState) => {
  if (state.status === 'empty' || !canReach(scope, state))
    throw notFound('charge_not_found', `no charge ${id}`);
};

const tariffInForce = async (tariffs: TariffService, merchantId: string, tariffId: string, now: Date) => {
  let tariff;
  try {
    tariff = await tariffs.load(merchantId, tariffId);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') {
      throw invalid('tariff_not_found', `no tariff ${tariffId}`, 'tariffId');
    }
    throw error;
  }
  const { definition } = tariff;
  const at = now.getTime();
  if (
    (definition.startDateTime && at < Date.parse(definition.startDateTime)) ||
    (definition.endDateTime && at >= Date.parse(definition.endDateTime))
  ) {
    throw conflict('tariff_not_in_force', `tariff ${tariffId} is not in force now`);
  }
  if (definition.type !== undefined && definition.type !== 'AD_HOC_PAYMENT') {
    throw conflict(
      'tariff_not_ad_hoc',
      `tariff ${tariffId} is a ${definition.type} tariff, not for ad-hoc payment`,
    );
  }
  return definition;
};

export const chargeService = (deps: ChargeServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  // A running charge's state and document hold every charging period (hundreds of kB after a long
  // session), so fewer are kept than the default; a charge is busy only while it runs.
  const handler = commandHandlerFor(deps.eventStore, chargeSessionAggregate, { cachedStreams: 1_000 });

  const run = async (
    chargeId: string,
    command: ChargeSessionCommand,
    context: CommandContext,
    guard?: (state: ChargeSessionState) => void,
  ): Promise<ChargeResult> => {
    const result = await handler.handle(chargeId, command, context, guard ? { guard } : {});
    if (result.appended.length > 0) deps.onChanged?.(result);
    return result;
  };

  return {
    /**
     * Takes the payment intent for the charge first (one charge per intent, checked in the intent's own
     * stream), then opens the charge. A crash between the two is healed by any retry: the charge id is
     * derived from the intent, and linking the same charge again changes nothing.
     */
    async start(input: StartChargeInput, scope: AccessScope, context: CommandContext): Promise<ChargeResult> {
      const tariff = await tariffInForce(deps.tariffs, scope.merchantId, input.tariffId, deps.clock.now());
      const chargeId = chargeIdFor(input.paymentIntentId);
      const linked = await deps.paymentIntents.linkToCharge(
        input.paymentIntentId,
        { chargeId, currency: tariff.currency, minimumAuthorized: tariff.preauthorizeAmount ?? 0 },
        scope,
        context,
      );
      const intent = linked.state;
      if (intent.status !== 'authorized') {
        throw conflict(
          'payment_intent_not_authorized',
          `the payment intent is ${intent.status}, not authorized`,
        );
      }
      return run(
        chargeId,
        {
          type: 'StartChargeSession',
          now: now(),
          chargeId,
          merchantId: scope.merchantId,
          terminalId: intent.terminalId ?? scope.terminalId ?? null,
          paymentIntentId: input.paymentIntentId,
          stationId: input.stationId,
          connectorId: input.connectorId,
          evseId: input.evseId ?? null,
          tariffId: input.tariffId,
          tariff,
          currency: intent.currency,
          amountAuthorized: intent.amountAuthorized,
          stopThreshold: stopThreshold(intent.amountAuthorized, deps.settings.stopMargin),
          vatRatePercent: deps.settings.vatRatePercent,
          timeZone: deps.settings.timeZone,
          startTimeoutMs: deps.settings.startTimeoutMs,
          metadata: input.metadata ?? {},
        },
        context,
      );
    },

    recordProgress: (chargeId: string, reading: MeterReading, scope: AccessScope, context: CommandContext) =>
      run(
        chargeId,
        { type: 'RecordChargeProgress', now: now(), reading },
        context,
        reachableBy(scope, chargeId),
      ),

    complete: (
      chargeId: string,
      reading: MeterReading | undefined,
      scope: AccessScope,
      context: CommandContext,
    ) =>
      run(
        chargeId,
        { type: 'CompleteChargeSession', now: now(), ...(reading ? { reading } : {}) },
        context,
        reachableBy(scope, chargeId),
      ),

    // System commands, from the process managers and the CPMS: idempotent, not bound to a merchant.

    acceptCpmsStart: (
      chargeId: string,
      cpmsSessionId: string | null,
      context: CommandContext,
      cpmsRoute: ChargeCpmsRoute | null = null,
    ) => run(chargeId, { type: 'AcceptCpmsStart', now: now(), cpmsSessionId, cpmsRoute }, context),

    refuseCpmsStart: (chargeId: string, reason: string, context: CommandContext, startMayFollow = false) =>
      run(
        chargeId,
        { type: 'RefuseCpmsStart', now: now(), reason, ...(startMayFollow ? { startMayFollow } : {}) },
        context,
      ),

    timeOutStart: (chargeId: string, context: CommandContext) =>
      run(chargeId, { type: 'TimeOutChargeStart', now: now() }, context),

    reportCpmsStatus: (
      chargeId: string,
      status: CpmsSessionStatus,
      cpmsSessionId: string | null,
      context: CommandContext,
    ) => run(chargeId, { type: 'ReportCpmsStatus', now: now(), status, cpmsSessionId }, context),

    /** A reading the CPMS pushed (an OCPI CPO's Session kWh): the same path as a terminal's, no merchant scope. */
    recordCpmsReading: (chargeId: string, reading: MeterReading, context: CommandContext) =>
      run(chargeId, { type: 'RecordChargeProgress', now: now(), reading }, context),

    recordCpmsStopOutcome: (
      chargeId: string,
      outcome: { accepted: boolean; reason?: string },
      context: CommandContext,
    ) => run(chargeId, { type: 'RecordCpmsStopOutcome', now: now(), ...outcome }, context),

    recordSettlement: (
      chargeId: string,
      settlement: { outcome: SettlementOutcome; amountCaptured: number; failureCode: string | null },
      context: CommandContext,
    ) => run(chargeId, { type: 'RecordChargeSettlement', now: now(), ...settlement }, context),

    /** The asynchronous capture a `capture_pending` settlement handed over has ended. */
    recordCaptureOutcome: (
      chargeId: string,
      ended: { outcome: CaptureSettlementOutcome; amountCaptured: number; failureCode: string | null },
      context: CommandContext,
    ) => run(chargeId, { type: 'RecordChargeCaptureOutcome', now: now(), ...ended }, context),

    /** The charge as its stream says now (for the process managers). */
    async load(chargeId: string): Promise<ChargeSessionState> {
      return (await handler.load(chargeId)).state;
    },
  };
};

export type ChargeService = ReturnType<typeof chargeService>;
