import type { CommandContext } from '../../commands/command-context';
import { commandHandlerFor } from '../../commands/command-handler';
import type { OcpiPartyService } from '../../commands/ocpi/ocpi-party.service';
import { paymentIntentAggregate } from '../../commands/payment-intents/payment-intent.service';
import {
  captureStatusOf,
  ocpiFinancialAdviceDecider,
  ocpiFinancialAdviceEventCodec,
} from '../../domain/ocpi-payment/financial-advice';
import { conflict, notFound } from '../../domain/shared/domain-error';
import { SUPPORTED_CURRENCIES, type Currency } from '../../domain/shared/money';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type {
  OcpiCdrDocument,
  OcpiFinancialAdviceDocument,
} from '../../projections/ocpi/ocpi-payment.projections';
import type { SecretBox } from '../../webhooks/secret-box';
import type { OcpiClient } from '../client/ocpi-client';
import { ocpiCorrelationId } from '../credentials/credentials-flows';
import type { OcpiHandlers } from '../http/ocpi-app';
import { modulePath } from '../http/ocpi-paths';
import { routingHeadersTo } from '../http/routing-headers';
import type { OurPlatform } from '../our-platform';
import { unknownObject } from '../transport/ocpi-errors';
import { ocpiTimestamp } from '../transport/ocpi-time';
import { pageOf, type pagingFor } from '../transport/paging';

export interface FinancialAdviceDeps {
  eventStore: EventStore;
  readStore: ReadStore;
  parties: OcpiPartyService;
  client: OcpiClient;
  secretBox: SecretBox;
  us: OurPlatform;
  paging: ReturnType<typeof pagingFor>;
  catchUp: () => Promise<void>;
}

const major = (minor: number, currency: string) =>
  minor / 10 ** (SUPPORTED_CURRENCIES[currency as Currency] ?? 2);

/**
 * Financial Advice Confirmations (OCPI 2.3.0 Payments, PTP side): once the payment of a session the CPO
 * billed in a CDR has settled, we confirm what became of it (SUCCESS when the capture covers the CDR's
 * total, PARTIAL_SUCCESS when less, FAILED when the intent was voided or expired), push it to the CPO's
 * receiver and serve it on our sender interface.
 */
export const financialAdvice = (deps: FinancialAdviceDeps) => {
  const handler = commandHandlerFor(deps.eventStore, {
    decider: ocpiFinancialAdviceDecider,
    codec: ocpiFinancialAdviceEventCodec,
    streamName: (facId: string) => `ocpi_fac-${facId}`,
  });
  const intents = commandHandlerFor(deps.eventStore, paymentIntentAggregate);

  const deliver = async (facId: string, context: CommandContext) => {
    const { state } = await handler.load(facId);
    if (state.status !== 'confirmed') return;
    const party = await deps.parties.load(state.confirmed.partyRef);
    if (party.state.status !== 'registered') return;
    const { connection } = party.state;
    const endpoint = connection.endpoints.find(
      (candidate) => candidate.identifier === 'payments' && candidate.role === 'RECEIVER',
    );
    if (!endpoint || connection.version !== '2.3.0') return;
    const cpo = connection.roles.find((role) => role.role === 'CPO') ?? connection.roles[0];
    await deps.client.call({
      method: 'POST',
      url: `${endpoint.url}/financial-advice-confirmations`,
      token: deps.secretBox.decrypt(connection.outboundToken, state.confirmed.partyRef),
      unencodedToken: party.state.acceptsUnencodedTokens,
      correlationId: ocpiCorrelationId(context),
      body: state.confirmed.confirmation,
      described: {
        version: '2.3.0',
        file: 'payments/receiver-interface',
        path: '/payments/financial-advice-confirmations',
      },
      ...(cpo ? { headers: routingHeadersTo(cpo, deps.us) } : {}),
    });
    await handler.handle(facId, { type: 'RecordDelivery', now: new Date().toISOString() }, context);
  };

  const listPath = (version: '2.2.1' | '2.3.0') =>
    `${modulePath(version, 'sender', 'payments')}/financial-advice-confirmations`;

  const handlers: OcpiHandlers = {
    senderGetFinancialAdviceConfirmations: async (request) => {
      const path = listPath(request.version);
      const page = deps.paging.read(path, request.query);
      await deps.catchUp();
      const docs = await deps.readStore
        .collection<OcpiFinancialAdviceDocument>('ocpi_financial_advice')
        .find({ partyRef: request.caller.party._id }, { sort: { lastUpdated: 1, _id: 1 } });
      const { total, items } = pageOf(
        docs.map((doc) => doc.confirmation),
        page,
      );
      return { data: items, headers: deps.paging.headers(deps.us.baseUrl(), path, page, total) };
    },
    senderGetFinancialAdviceConfirmation: async (request) => {
      const { state } = await handler.load(
        String(request.operation.pathParams.financial_advice_confirmation_id),
      );
      if (state.status === 'empty' || state.confirmed.partyRef !== request.caller.party._id) {
        throw unknownObject('no such financial advice confirmation');
      }
      return { data: state.confirmed.confirmation };
    },
  };

  return {
    handlers,
    load: (facId: string) => handler.load(facId),
    /**
     * Confirms the payment of the session whose CDR names this intent, then pushes the confirmation.
     * Refused while the intent has not settled (authorized, not captured yet).
     */
    async confirm(paymentIntentId: string, context: CommandContext) {
      await deps.catchUp();
      const cdr = await deps.readStore.collection<OcpiCdrDocument>('ocpi_cdrs').findOne({ paymentIntentId });
      if (!cdr) throw notFound('ocpi_cdr_not_found', `no CDR names ${paymentIntentId}`);
      const { state: intent } = await intents.load(paymentIntentId);
      if (intent.status === 'empty')
        throw notFound('payment_intent_not_found', `no intent ${paymentIntentId}`);
      const captureStatusCode = captureStatusOf(
        {
          status: intent.status,
          ...('amountCaptured' in intent ? { amountCaptured: intent.amountCaptured } : {}),
        },
        cdr.theirCost.inclVat,
      );
      if (!captureStatusCode) throw conflict('payment_not_settled', 'the payment has not settled yet');
      const facId = deterministicId('fac', paymentIntentId);
      const captured = 'amountCaptured' in intent ? intent.amountCaptured : 0;
      const { currency } = cdr;
      const confirmation = {
        id: facId,
        authorization_reference: paymentIntentId,
        total_costs: {
          before_taxes: major(cdr.theirCost.exclVat, currency),
          taxes: [{ name: 'KDV', amount: major(cdr.theirCost.inclVat - cdr.theirCost.exclVat, currency) }],
        },
        currency,
        // What the terminal's payment produced, without card data: our intent and what was captured.
        eft_data: [
          `EdgePay payment intent ${paymentIntentId}`,
          `captured ${major(captured, currency)} ${currency}`,
        ],
        capture_status_code: captureStatusCode,
        ...(captureStatusCode === 'PARTIAL_SUCCESS'
          ? {
              capture_status_message: `captured ${major(captured, currency)} of ${major(cdr.theirCost.inclVat, currency)}`,
            }
          : {}),
        last_updated: ocpiTimestamp(new Date()),
      };
      await handler.handle(
        facId,
        {
          type: 'ConfirmFinancialAdvice',
          confirmed: { facId, partyRef: cdr.partyRef, paymentIntentId, captureStatusCode, confirmation },
          now: new Date().toISOString(),
        },
        context,
      );
      await deliver(facId, context);
      return { facId, captureStatusCode };
    },
  };
};

export type FinancialAdvice = ReturnType<typeof financialAdvice>;
