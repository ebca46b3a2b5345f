import type { PaymentIntentCommand } from '../../domain/payment-intent/payment-intent.commands';
import {
  paymentIntentDecider,
  paymentIntentStreamName,
} from '../../domain/payment-intent/payment-intent.decider';
import {
  type EdenredFailureClass,
  paymentIntentEventCodec,
  type PaymentMethod,
  type PaymentMethodType,
} from '../../domain/payment-intent/payment-intent.events';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';
import { forbidden, invalid, notFound } from '../../domain/shared/domain-error';
import { DEFAULT_CURRENCY, type Currency } from '../../domain/shared/money';
import type { Clock } from '../../infrastructure/clock';
import type { TerminalTrust } from '../terminals/terminal-trust';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId, newId } from '../../infrastructure/ids';
import { canReach, type AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import type { PaymentIntentDocument } from '../../projections/payment-intents/payment-intent.document';
import { evolvePaymentIntentDocument } from '../../projections/payment-intents/payment-intent.projection';
import { commandHandlerFor, type CommandResult } from '../command-handler';

export interface PaymentIntentServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  authorizationTtlMs: number;
  /** Refuses payment commands from a terminal the merchant's attestation policy does not trust. */
  terminalTrust?: TerminalTrust;
  /** Present when Edenred is configured: an edenred intent's wallet link must be the caller's and logged in. */
  edenredLinks?: { assertPayable(linkId: string, scope: AccessScope): Promise<void> };
  /** Told about every command that changed an intent (the Edenred capture worker queues its work). */
  onChanged?: (result: CommandResult<PaymentIntentState, PaymentIntentDocument>) => void;
}

export interface CreatePaymentIntentInput {
  amount: number;
  currency?: Currency;
  terminalId?: string;
  paymentMethodType: PaymentMethodType;
  metadata?: Record<string, string>;
  edenredLinkId?: string;
}

export interface AuthorizePaymentIntentInput {
  amount: number;
  paymentMethod: PaymentMethod;
  decline?: { code: string; message: string };
}

type Result = CommandResult<PaymentIntentState, PaymentIntentDocument>;
export const paymentIntentAggregate = {
  decider: paymentIntentDecider,
  codec: paymentIntentEventCodec,
  streamName: paymentIntentStreamName,
  view: evolvePaymentIntentDocument,
};

/** Another merchant's (or terminal's) intent is reported as absent, so ids reveal nothing. */
const reachableBy = (scope: AccessScope, id: string) => (state: PaymentIntentState) => {
  if (state.status === 'empty' || !canReach(scope, state)) {
    throw notFound('payment_intent_not_found', `no payment intent ${id}`);
  }
};

export const paymentIntentService = (deps: PaymentIntentServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const commands = commandHandlerFor(deps.eventStore, paymentIntentAggregate);
  const handler: typeof commands = {
    ...commands,
    handle: async (...args) => {
      const result = await commands.handle(...args);
      if (result.appended.length > 0) deps.onChanged?.(result);
      return result;
    },
  };
  const trusted = async (scope: AccessScope): Promise<void> => {
    if (scope.terminalId && deps.terminalTrust) {
      await deps.terminalTrust.check(scope.merchantId, scope.terminalId, deps.clock.now());
    }
  };

  const onExisting = (
    id: string,
    command: PaymentIntentCommand,
    scope: AccessScope,
    context: CommandContext,
    expectedVersion?: number,
  ): Promise<Result> =>
    handler.handle(id, command, context, {
      guard: reachableBy(scope, id),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });

  return {
    /** The intent's current state, for decisions of other aggregates and process managers. */
    load: (id: string) => handler.load(id),

    create: async (
      input: CreatePaymentIntentInput,
      scope: AccessScope,
      context: CommandContext,
    ): Promise<Result> => {
      if (scope.terminalId && input.terminalId && input.terminalId !== scope.terminalId) {
        throw forbidden(
          'terminal_mismatch',
          'a terminal credential can only create intents for its own terminal',
        );
      }
      if (!scope.terminalId && input.terminalId && deps.terminalTrust) {
        await deps.terminalTrust.assertNotForeign(scope.merchantId, input.terminalId);
      }
      await trusted(scope);
      if (input.paymentMethodType === 'edenred') {
        if (!deps.edenredLinks) {
          throw invalid(
            'payment_method_unavailable',
            'Edenred is not configured on this gateway',
            'paymentMethodType',
          );
        }
        if (input.edenredLinkId !== undefined) {
          await deps.edenredLinks.assertPayable(input.edenredLinkId, scope);
        }
      }
      const paymentIntentId = context.idempotency
        ? deterministicId('pi', context.idempotency.scope, context.idempotency.key)
        : newId('pi');
      return handler.handle(
        paymentIntentId,
        {
          type: 'CreatePaymentIntent',
          now: now(),
          paymentIntentId,
          merchantId: scope.merchantId,
          terminalId: scope.terminalId ?? input.terminalId ?? null,
          amount: input.amount,
          currency: input.currency ?? DEFAULT_CURRENCY,
          paymentMethodType: input.paymentMethodType,
          metadata: input.metadata ?? {},
          ...(input.edenredLinkId === undefined ? {} : { edenredLinkId: input.edenredLinkId }),
        },
        context,
        // A new id. With an Idempotency-Key the id is the key's, and the handler reads first anyway.
        { assumeNew: true },
      );
    },

    authorize: (
      id: string,
      input: AuthorizePaymentIntentInput,
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ) =>
      trusted(scope).then(() =>
        onExisting(
          id,
          {
            type: 'AuthorizePaymentIntent',
            now: now(),
            amount: input.amount,
            paymentMethod: input.paymentMethod,
            ...(input.decline ? { decline: input.decline } : {}),
            authorizationTtlMs: deps.authorizationTtlMs,
          },
          scope,
          context,
          expectedVersion,
        ),
      ),

    capture: (
      id: string,
      amount: number | undefined,
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ) =>
      trusted(scope).then(() =>
        onExisting(
          id,
          { type: 'CapturePaymentIntent', now: now(), ...(amount === undefined ? {} : { amount }) },
          scope,
          context,
          expectedVersion,
        ),
      ),

    void: (
      id: string,
      reason: string | undefined,
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ) =>
      onExisting(
        id,
        { type: 'VoidPaymentIntent', now: now(), reason: reason ?? 'requested_by_customer' },
        scope,
        context,
        expectedVersion,
      ),

    /** A charge starting takes the intent: checked against the caller's merchant (and terminal). */
    linkToCharge: (
      id: string,
      link: { chargeId: string; currency: Currency; minimumAuthorized: number },
      scope: AccessScope,
      context: CommandContext,
    ) =>
      trusted(scope).then(() =>
        onExisting(id, { type: 'LinkPaymentIntentToCharge', now: now(), ...link }, scope, context),
      ),

    /** For a charge's settlement: a system command; a repeat for the same charge is a no-op. */
    captureForCharge: (id: string, chargeId: string, amount: number, context: CommandContext) =>
      handler.handle(id, { type: 'CapturePaymentIntent', now: now(), amount, chargeId }, context),

    voidForCharge: (id: string, chargeId: string, reason: string, context: CommandContext) =>
      handler.handle(id, { type: 'VoidPaymentIntent', now: now(), reason, chargeId }, context),

    /** For the Edenred capture worker: system commands, each a no-op when already recorded. */
    assignEdenredOrderRef: (id: string, orderRef: number, context: CommandContext, replacing?: number) =>
      handler.handle(
        id,
        {
          type: 'AssignEdenredOrderRef',
          now: now(),
          orderRef,
          ...(replacing === undefined ? {} : { replacing }),
        },
        context,
      ),

    recordEdenredCapture: (
      id: string,
      outcome: { code: string; authorizationId: string; captureId: string | null; capturedAmount: number },
      context: CommandContext,
    ) => handler.handle(id, { type: 'RecordEdenredCapture', now: now(), ...outcome }, context),

    flagEdenredCaptureForAttention: (
      id: string,
      last: { code: string; reason: string },
      context: CommandContext,
    ) => handler.handle(id, { type: 'FlagEdenredCaptureForAttention', now: now(), ...last }, context),

    recordEdenredCaptureFailure: (
      id: string,
      failure: { errorClass: EdenredFailureClass; code: string; reason: string },
      context: CommandContext,
    ) => handler.handle(id, { type: 'RecordEdenredCaptureFailure', now: now(), ...failure }, context),

    /** For the expiry sweeper: a system command, not bound to a merchant. */
    expire: (id: string, context: CommandContext) =>
      handler.handle(id, { type: 'ExpirePaymentIntent', now: now() }, context),
  };
};

export type PaymentIntentService = ReturnType<typeof paymentIntentService>;
