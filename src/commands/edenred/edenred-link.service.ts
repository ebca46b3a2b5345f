import { createHash, randomBytes } from 'node:crypto';
import type { EdenredLinkCommand } from '../../domain/edenred-link/edenred-link.commands';
import { edenredLinkDecider, edenredLinkStreamName } from '../../domain/edenred-link/edenred-link.decider';
import { edenredLinkEventCodec } from '../../domain/edenred-link/edenred-link.events';
import type { EdenredLinkState } from '../../domain/edenred-link/edenred-link.state';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';
import { conflict, DomainError, invalid, notFound, unavailable } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId, newId } from '../../infrastructure/ids';
import type { Logger } from '../../infrastructure/logging/logger';
import {
  EdenredError,
  type EdenredBalance,
  type EdenredClient,
} from '../../integrations/edenred/edenred-port';
import { evolveEdenredLinkDocument } from '../../projections/edenred/edenred-link.projection';
import type { EdenredLinkDocument } from '../../projections/edenred/edenred-link.document';
import type { SecretBox } from '../../webhooks/secret-box';
import { canReach, type AccessScope } from '../access-scope';
import { systemContext, type CommandContext } from '../command-context';
import { commandHandlerFor, type CommandResult } from '../command-handler';
import { sealTokens, unsealTokens, type LinkCredentials } from './edenred-token-seal';

export interface EdenredLinkServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  client: EdenredClient;
  secretBox: SecretBox;
  logger: Logger;
  /** Our callback, registered with Edenred: `<public URL>/v1/edenred/callback`. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** An access token expiring within this margin is refreshed before it is used. */
  refreshMarginMs: number;
  /** A link bound to a payment intent checks that intent (the caller's, paid by Edenred). */
  loadPaymentIntent: (id: string) => Promise<PaymentIntentState>;
  /** Captures still waiting on this link (from the read model): removing it now would fail them. */
  pendingCaptures?: (linkId: string) => Promise<number>;
}

export type EdenredLinkResult = CommandResult<EdenredLinkState, EdenredLinkDocument>;

export const edenredLinkAggregate = {
  decider: edenredLinkDecider,
  codec: edenredLinkEventCodec,
  streamName: edenredLinkStreamName,
  view: evolveEdenredLinkDocument,
};

const LINK_ID = /^edl_[A-Za-z0-9]{1,40}$/;
const hashOf = (state: string): string => createHash('sha256').update(state).digest('hex');

/** The state sent to Edenred names its link, so the callback (no API key) finds it; the rest is 192 random bits. */
const newLoginState = (linkId: string): string => `${linkId}.${randomBytes(24).toString('base64url')}`;

const reachableBy = (scope: AccessScope, id: string) => (state: EdenredLinkState) => {
  if (state.status === 'empty' || !canReach(scope, state)) {
    throw notFound('edenred_link_not_found', `no Edenred link ${id}`);
  }
};

const loginRequired = () =>
  conflict(
    'edenred_login_required',
    'the Edenred user must log in again (POST /v1/edenred/links/{id}/login)',
  );

/** Edenred did not answer usefully: a retry later may work; nothing is told about tokens. */
const upstream = (error: EdenredError) =>
  unavailable('edenred_unavailable', `Edenred could not be reached or refused the request (${error.code})`);

/** An Edenred error as the API answers it: a login to redo (409) or a partner to retry later (503). */
export const asDomainError = (error: unknown): unknown => {
  if (!(error instanceof EdenredError)) return error;
  return error.errorClass === 'reauthenticate' ? loginRequired() : upstream(error);
};

export const edenredLinkService = (deps: EdenredLinkServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const handler = commandHandlerFor(deps.eventStore, edenredLinkAggregate);
  const run = (
    id: string,
    command: EdenredLinkCommand,
    context: CommandContext,
    scope?: AccessScope,
    expectedVersion?: number,
  ) =>
    handler.handle(id, command, context, {
      ...(scope ? { guard: reachableBy(scope, id) } : {}),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
  const authorizationUrl = (state: string) =>
    deps.client.authorizationUrl({ state, redirectUri: deps.redirectUri });
  // One refresh per link at a time in this process: Edenred may rotate the refresh token on use.
  const refreshing = new Map<string, Promise<LinkCredentials>>();

  const checkBoundIntent = async (paymentIntentId: string, scope: AccessScope) => {
    const intent = await deps.loadPaymentIntent(paymentIntentId);
    if (intent.status === 'empty' || !canReach(scope, intent)) {
      throw invalid('payment_intent_not_found', `no payment intent ${paymentIntentId}`, 'paymentIntentId');
    }
    if (intent.paymentMethodType !== 'edenred') {
      throw invalid(
        'payment_method_mismatch',
        `payment intent ${paymentIntentId} is not paid by Edenred`,
        'paymentIntentId',
      );
    }
    if (intent.edenredLinkId !== null) {
      throw conflict(
        'payment_intent_has_link',
        `payment intent ${paymentIntentId} is paid by ${intent.edenredLinkId}`,
      );
    }
    if (intent.status !== 'requires_authorization' && intent.status !== 'authorization_failed') {
      throw conflict(
        'payment_intent_unexpected_state',
        `payment intent ${paymentIntentId} is ${intent.status}`,
      );
    }
  };

  const linked = async (linkId: string) => {
    const { state } = await handler.load(linkId);
    if (state.status === 'empty') throw notFound('edenred_link_not_found', `no Edenred link ${linkId}`);
    if (state.status !== 'linked') throw loginRequired();
    return state;
  };

  /** Records that the user must log in again; the error is what the caller throws. */
  const requireLogin = async (linkId: string, error: EdenredError, context: CommandContext) => {
    await run(
      linkId,
      { type: 'RequireEdenredLogin', now: now(), code: error.code, reason: error.message },
      context,
    );
    deps.logger.warn('Edenred link needs a new login', { linkId, code: error.code });
  };

  const refreshNow = async (linkId: string, context: CommandContext): Promise<LinkCredentials> => {
    const state = await linked(linkId);
    const current = unsealTokens(deps.secretBox, linkId, state.tokens);
    let tokens;
    try {
      tokens = await deps.client.refresh(current.refreshToken);
    } catch (error) {
      if (!(error instanceof EdenredError)) throw error;
      if (error.errorClass === 'retry_later') throw upstream(error);
      await requireLogin(linkId, error, context);
      throw loginRequired();
    }
    const sealed = sealTokens(deps.secretBox, linkId, tokens);
    await run(linkId, { type: 'RecordEdenredTokensRefreshed', now: now(), tokens: sealed }, context);
    return unsealTokens(deps.secretBox, linkId, sealed);
  };

  const singleRefresh = (linkId: string, context: CommandContext): Promise<LinkCredentials> => {
    const inFlight = refreshing.get(linkId);
    if (inFlight) return inFlight;
    const started = refreshNow(linkId, context).finally(() => refreshing.delete(linkId));
    refreshing.set(linkId, started);
    return started;
  };

  return {
    load: (id: string) => handler.load(id),

    async start(
      input: { paymentIntentId?: string; name?: string },
      scope: AccessScope,
      context: CommandContext,
    ): Promise<{ result: EdenredLinkResult; authorizationUrl: string }> {
      if (input.paymentIntentId) await checkBoundIntent(input.paymentIntentId, scope);
      const linkId = context.idempotency
        ? deterministicId('edl', context.idempotency.scope, context.idempotency.key)
        : newId('edl');
      const state = newLoginState(linkId);
      const result = await run(
        linkId,
        {
          type: 'StartEdenredLink',
          now: now(),
          linkId,
          merchantId: scope.merchantId,
          terminalId: scope.terminalId ?? null,
          paymentIntentId: input.paymentIntentId ?? null,
          name: input.name ?? null,
          stateHash: hashOf(state),
        },
        context,
      );
      return { result, authorizationUrl: authorizationUrl(state) };
    },

    /** A new login for a link that needs one: a new single-use state replaces any earlier one. */
    async restartLogin(id: string, scope: AccessScope, context: CommandContext) {
      const state = newLoginState(id);
      const result = await run(
        id,
        { type: 'RestartEdenredLogin', now: now(), stateHash: hashOf(state) },
        context,
        scope,
      );
      return { result, authorizationUrl: authorizationUrl(state) };
    },

    /**
     * Edenred's redirect after the login. The state is checked against the link before the code is
     * exchanged, so an unknown or used state never reaches Edenred; a failed exchange asks for a new login.
     */
    async completeLogin(
      input: { state: string } & ({ code: string } | { refused: string }),
      correlationId: string,
    ): Promise<EdenredLinkResult> {
      const linkId = input.state.split('.')[0] ?? '';
      const stateHash = hashOf(input.state);
      const invalidState = () =>
        conflict('login_state_invalid', 'this login link is unknown, expired or already used');
      if (!LINK_ID.test(linkId)) throw invalidState();
      const { state } = await handler.load(linkId);
      if (state.status === 'empty' || state.stateHash !== stateHash) throw invalidState();
      const context = systemContext(correlationId);
      let outcome: Extract<EdenredLinkCommand, { type: 'CompleteEdenredLogin' }>['outcome'];
      if ('refused' in input) {
        // The user cancelled or Edenred refused the login: the state is used up, a new login is needed.
        outcome = {
          failure: { code: 'LOGIN_REFUSED', reason: `the Edenred login ended with ${input.refused}` },
        };
      } else {
        try {
          const tokens = await deps.client.exchangeCode({ code: input.code, redirectUri: deps.redirectUri });
          outcome = { tokens: sealTokens(deps.secretBox, linkId, tokens) };
        } catch (error) {
          if (!(error instanceof EdenredError)) throw error;
          deps.logger.warn('Edenred code exchange failed', {
            linkId,
            code: error.code,
            errorClass: error.errorClass,
          });
          outcome = { failure: { code: error.code, reason: error.message } };
        }
      }
      return run(linkId, { type: 'CompleteEdenredLogin', now: now(), stateHash, outcome }, context);
    },

    /** The link's credentials for a call, refreshed first when the access token expires within the margin. */
    async credentials(linkId: string, context: CommandContext): Promise<LinkCredentials> {
      const state = await linked(linkId);
      const expiresIn = Date.parse(state.tokens.accessTokenExpiresAt) - deps.clock.now().getTime();
      if (expiresIn > deps.refreshMarginMs) return unsealTokens(deps.secretBox, linkId, state.tokens);
      return singleRefresh(linkId, context);
    },

    /**
     * Calls Edenred with the link's access token. A token Edenred refuses gets one refresh and one more
     * try; refused again (or the refresh refused), the link becomes login_required and the error is thrown.
     */
    async withToken<T>(
      linkId: string,
      context: CommandContext,
      call: (credentials: LinkCredentials) => Promise<T>,
    ): Promise<T> {
      try {
        return await call(await this.credentials(linkId, context));
      } catch (error) {
        if (!(error instanceof EdenredError) || error.errorClass !== 'reauthenticate') throw error;
      }
      const refreshed = await singleRefresh(linkId, context);
      try {
        return await call(refreshed);
      } catch (error) {
        if (error instanceof EdenredError && error.errorClass === 'reauthenticate') {
          await requireLogin(linkId, error, context);
        }
        throw error;
      }
    },

    requireLogin,

    async balance(id: string, scope: AccessScope, context: CommandContext): Promise<EdenredBalance> {
      const { state } = await handler.load(id);
      reachableBy(scope, id)(state);
      const credentials = await this.credentials(id, context);
      try {
        return await deps.client.balance({
          accessToken: credentials.accessToken,
          username: credentials.username,
        });
      } catch (error) {
        if (!(error instanceof EdenredError)) throw error;
        if (error.errorClass === 'reauthenticate') {
          await requireLogin(id, error, context);
          throw loginRequired();
        }
        throw upstream(error);
      }
    },

    /** Ends the Edenred session (every token of the link dies), then removes the link. */
    async remove(id: string, scope: AccessScope, context: CommandContext, expectedVersion?: number) {
      const { state } = await handler.load(id);
      reachableBy(scope, id)(state);
      if (state.status !== 'removed' && ((await deps.pendingCaptures?.(id)) ?? 0) > 0) {
        throw conflict(
          'edenred_capture_pending',
          'a capture through this link is still pending; remove it after',
        );
      }
      let sessionEnded = state.status !== 'linked';
      if (state.status === 'linked') {
        const { idToken } = unsealTokens(deps.secretBox, id, state.tokens);
        try {
          if (idToken)
            await deps.client.endSession({ idToken, postLogoutRedirectUri: deps.postLogoutRedirectUri });
          sessionEnded = idToken !== null;
        } catch (error) {
          if (!(error instanceof EdenredError)) throw error;
          // A session Edenred no longer knows is ended; anything else may be retried by the merchant.
          if (error.errorClass !== 'reauthenticate') throw upstream(error);
          sessionEnded = true;
        }
      }
      return run(
        id,
        { type: 'RemoveEdenredLink', now: now(), sessionEnded },
        context,
        scope,
        expectedVersion,
      );
    },

    /**
     * For a payment intent paid through this link: the caller's, logged in, and not bound to another
     * intent (a link started for one intent pays that intent only; none while it is being created).
     */
    async assertPayable(linkId: string, scope: AccessScope, paymentIntentId?: string): Promise<void> {
      const { state } = await handler.load(linkId);
      if (state.status === 'empty' || !canReach(scope, state)) {
        throw invalid('edenred_link_not_found', `no Edenred link ${linkId}`, 'edenredLinkId');
      }
      if (state.paymentIntentId !== null && state.paymentIntentId !== paymentIntentId) {
        throw conflict(
          'edenred_link_bound',
          `Edenred link ${linkId} pays payment intent ${state.paymentIntentId} only`,
        );
      }
      if (state.status !== 'linked') {
        throw new DomainError(
          'conflict',
          'edenred_login_required',
          `Edenred link ${linkId} is ${state.status}`,
        );
      }
    },
  };
};

export type EdenredLinkService = ReturnType<typeof edenredLinkService>;
