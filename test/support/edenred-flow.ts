import { systemContext } from '../../src/commands/command-context';
import { edenredAuthorization } from '../../src/commands/edenred/edenred-authorization';
import { edenredLinkService } from '../../src/commands/edenred/edenred-link.service';
import { edenredOrderRefs } from '../../src/commands/edenred/edenred-order-refs';
import {
  paymentIntentService,
  type PaymentIntentServiceDeps,
} from '../../src/commands/payment-intents/payment-intent.service';
import type { Clock } from '../../src/infrastructure/clock';
import type { EventStore } from '../../src/infrastructure/event-store/event-store';
import type { Logger } from '../../src/infrastructure/logging/logger';
import { createSecretBox } from '../../src/webhooks/secret-box';
import {
  edenredCaptureHandler,
  type EdenredCaptureHooks,
} from '../../src/workers/edenred/edenred-capture-job';
import { capturingLogger } from './capturing-logger';
import { FakeEdenred } from './fake-edenred-client';
import type { Job } from '../../src/infrastructure/job-queue/job-queue';
import type { EdenredCaptureJob } from '../../src/workers/edenred/edenred-capture-job';

export const SCOPE = { merchantId: 'mer_1', terminalId: 'trm_1' };
const KEY = Buffer.alloc(32, 7).toString('base64');

/** The Edenred flow's services on one store and clock, with the fake Edenred behind the port. */
export const edenredServicesFor = (
  eventStore: EventStore,
  clock: Clock,
  options: {
    edenred?: FakeEdenred;
    logger?: Logger;
    hooks?: EdenredCaptureHooks;
    firstOrderRef?: number;
    onIntentChanged?: PaymentIntentServiceDeps['onChanged'];
  } = {},
) => {
  const edenred = options.edenred ?? new FakeEdenred(clock);
  const { logger, lines } = options.logger ? { logger: options.logger, lines: [] } : capturingLogger();
  const late: { intents?: ReturnType<typeof paymentIntentService> } = {};
  const links = edenredLinkService({
    eventStore,
    clock,
    client: edenred,
    secretBox: createSecretBox(KEY),
    logger,
    redirectUri: 'https://gateway.example/v1/edenred/callback',
    postLogoutRedirectUri: 'https://gateway.example/',
    refreshMarginMs: 60_000,
    loadPaymentIntent: async (id) =>
      (await (late.intents as NonNullable<typeof late.intents>).load(id)).state,
  });
  const paymentIntents = paymentIntentService({
    eventStore,
    clock,
    authorizationTtlMs: 86_400_000,
    edenredLinks: links,
    ...(options.onIntentChanged ? { onChanged: options.onIntentChanged } : {}),
  });
  late.intents = paymentIntents;
  const orderRefs = edenredOrderRefs({ eventStore, clock, first: options.firstOrderRef ?? 1000 });
  const authorization = edenredAuthorization({ client: edenred, links, paymentIntents });
  const captureDeps = {
    client: edenred,
    links,
    paymentIntents,
    orderRefs,
    clock,
    logger,
    attentionAfterMs: 60 * 60_000,
    ...(options.hooks ? { hooks: options.hooks } : {}),
  };
  const handler = edenredCaptureHandler(captureDeps);
  let jobs = 0;
  const runCapture = (paymentIntentId: string, attempt = 1) =>
    handler({
      id: `job-${++jobs}`,
      name: 'capture',
      data: { paymentIntentId },
      attempt,
    } as Job<EdenredCaptureJob>);

  const context = systemContext('test');

  /** A wallet link logged in for `username`, with `balance` kuruş on the card. */
  const linkedWallet = async (username = 'driver@example.com', balance = 50_000) => {
    const { result, authorizationUrl } = await links.start({ name: 'fleet' }, SCOPE, context);
    const state = new URL(authorizationUrl).searchParams.get('state') as string;
    await links.completeLogin({ code: edenred.loginCode(username, balance), state }, 'callback');
    return (result.state as { linkId: string }).linkId;
  };

  /** An Edenred intent authorized through `linkId` and its capture of `amount` requested. */
  const pendingCapture = async (linkId: string, amount = 6_000, intentAmount = 10_000) => {
    const created = await paymentIntents.create(
      { amount: intentAmount, paymentMethodType: 'edenred', edenredLinkId: linkId },
      SCOPE,
      context,
    );
    const id = (created.state as { paymentIntentId: string }).paymentIntentId;
    await authorization.authorize(id, { amount: intentAmount }, SCOPE, context);
    await paymentIntents.capture(id, amount, SCOPE, context);
    return id;
  };

  return {
    edenred,
    links,
    paymentIntents,
    orderRefs,
    authorization,
    runCapture,
    captureDeps,
    linkedWallet,
    pendingCapture,
    logLines: lines,
    context,
  };
};
