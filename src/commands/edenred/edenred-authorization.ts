import { invalid, notFound } from '../../domain/shared/domain-error';
import { EdenredError, type EdenredClient } from '../../integrations/edenred/edenred-port';
import { canReach, type AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import type { PaymentIntentService } from '../payment-intents/payment-intent.service';
import { asDomainError, type EdenredLinkService } from './edenred-link.service';

/**
 * Authorizing an Edenred intent: Edenred holds nothing before the capture, so the authorization is what
 * its balance and estimate say can be spent now, capped at the amount asked (decision 0030). A charge's
 * pre-authorization check and stop threshold then work on that cap as on a card's authorization.
 */
export const edenredAuthorization = (deps: {
  client: EdenredClient;
  links: EdenredLinkService;
  paymentIntents: PaymentIntentService;
}) => ({
  async authorize(
    id: string,
    input: { amount: number; edenredLinkId?: string },
    scope: AccessScope,
    context: CommandContext,
    expectedVersion?: number,
  ) {
    const { amount } = input;
    const { state } = await deps.paymentIntents.load(id);
    if (state.status === 'empty' || !canReach(scope, state)) {
      throw notFound('payment_intent_not_found', `no payment intent ${id}`);
    }
    if (state.paymentMethodType !== 'edenred') {
      throw invalid(
        'card_present_required',
        'a card-present payment intent is authorized with cardPresent',
        'cardPresent',
      );
    }
    // The intent's own link when it was created with one; otherwise the link started bound to it.
    const linkId = state.edenredLinkId ?? input.edenredLinkId;
    if (linkId === undefined) {
      throw invalid(
        'edenred_link_required',
        'name the Edenred link that pays (edenredLinkId)',
        'edenredLinkId',
      );
    }
    if (state.edenredLinkId === null) await deps.links.assertPayable(linkId, scope, id);
    let spendable: number;
    let decline: { code: string; message: string } | undefined;
    try {
      spendable = await deps.links.withToken(linkId, context, async ({ accessToken, username }) => {
        const balance = await deps.client.balance({ accessToken, username });
        const estimate = await deps.client.estimateCharge({ accessToken, username, amount });
        return Math.min(balance.availableAmount, estimate.availableAmount);
      });
    } catch (error) {
      if (!(error instanceof EdenredError) || error.errorClass !== 'declined') throw asDomainError(error);
      spendable = 0;
      decline = { code: error.code, message: error.message };
    }
    if (spendable <= 0 && !decline) {
      decline = { code: 'INADEQUATE_BALANCE', message: 'the Edenred balance cannot pay any of this amount' };
    }
    return deps.paymentIntents.authorize(
      id,
      {
        amount: decline ? amount : Math.min(amount, spendable),
        paymentMethod: { type: 'edenred', linkId, spendableAmount: Math.max(spendable, 0) },
        ...(decline ? { decline } : {}),
      },
      scope,
      context,
      expectedVersion,
    );
  },
});

export type EdenredAuthorization = ReturnType<typeof edenredAuthorization>;
