// The README's walk-through, as a script: payments, webhooks, terminals with attestation, tariffs and a
// charge to capture, with the typed client. `npm test` runs it against a booted gateway (test/examples/).
//
//   ATTESTATION_TRUSTED_ROOTS_FILE=examples/attestation/demo-root.pem WEBHOOK_ALLOW_PRIVATE_URLS=true npm start
//   EDGEPAY_API_KEY=$(npm run -s edgepay -- keys create --merchant mer_demo --scopes "$WALKTHROUGH_SCOPES" | jq -r .key)
//   npx tsx examples/walkthrough.ts
import { createEdgePayClient, type EdgePayClient, type Schemas } from '@edgepay/client';
import { randomUUID } from 'node:crypto';
import { startWebhookListener, type VerifiedDelivery } from '../src/cli/webhooks-listen';
import {
  demoAttestationChain,
  loadDemoAttestationAuthority,
  type DemoAttestationAuthority,
} from './attestation/demo-attestation-authority';

/** Every scope the walk-through uses; `edgepay keys create --scopes` takes them space separated. */
export const WALKTHROUGH_SCOPES = [
  'payments:read',
  'payments:write',
  'webhooks:read',
  'webhooks:write',
  'terminals:read',
  'terminals:write',
  'tariffs:read',
  'tariffs:write',
  'charges:read',
  'charges:write',
] as const;

/** The steps in order; the README lists exactly these (a test compares them). */
export const WALKTHROUGH_STEPS = [
  'Start a local webhook receiver and subscribe it to payment, charge and terminal events',
  'Create a payment intent for 150.00 TRY',
  'Record the authorization the terminal got from its bank',
  'Capture 92.50 TRY with If-Match, releasing the rest',
  'Read the intent back',
  'Register a terminal; its own API key is shown once',
  'The terminal reports a heartbeat',
  'Require attestation for payments from terminal keys',
  'The terminal asks for a challenge and answers it with a key attestation',
  'Put a tariff: 7.50 TRY/kWh excl. VAT, 200.00 TRY to pre-authorize',
  'The attested terminal creates and authorizes a fresh 200.00 TRY intent',
  'Start a charge on it and wait until the CPMS has made it active',
  'Report a meter reading of 12345 Wh',
  'Complete the charge; the gateway captures its price and releases the rest',
  'Wait for the verified webhooks: payment captured, charge completed, terminal attested',
] as const;

export interface WalkthroughOptions {
  baseUrl: string;
  /** A key with WALKTHROUGH_SCOPES. */
  apiKey: string;
  print?: (line: string) => void;
  /** Issues the terminal's attestation; the gateway must trust its root (ATTESTATION_TRUSTED_ROOTS_FILE). */
  attestationAuthority?: DemoAttestationAuthority;
  /** How long to wait for the charge to become active, the capture, and the webhooks. */
  waitMs?: number;
}

export interface WalkthroughResult {
  paymentIntent: Schemas['PaymentIntent'];
  terminal: Schemas['Terminal'];
  attestation: Schemas['TerminalAttestation'];
  charge: Schemas['AdhocCharge'];
  chargeIntent: Schemas['PaymentIntent'];
  webhooks: VerifiedDelivery[];
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or an error naming the step, the status and the gateway's error envelope. */
const must = <T>(answer: Answer<T>, what: string): T => {
  if (answer.data === undefined) {
    throw new Error(`${what}: HTTP ${answer.response.status} ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
};

const sameSet = (want: readonly string[], have: readonly string[]) => want.every((w) => have.includes(w));

export const runWalkthrough = async (options: WalkthroughOptions): Promise<WalkthroughResult> => {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const waitMs = options.waitMs ?? 30_000;
  const authority = options.attestationAuthority ?? loadDemoAttestationAuthority();
  const api = createEdgePayClient({ baseUrl: options.baseUrl, apiKey: options.apiKey });
  // Idempotency-Keys are unique per run, so the script can run again against the same gateway.
  const run = randomUUID();
  const idempotent = (name: string) => ({ header: { 'Idempotency-Key': `walkthrough-${run}-${name}` } });
  let stepNumber = 0;
  const step = (detail: string) => print(`${++stepNumber}. ${WALKTHROUGH_STEPS[stepNumber - 1]}: ${detail}`);

  // 1. Webhooks arrive at a receiver on this machine; the gateway needs WEBHOOK_ALLOW_PRIVATE_URLS=true.
  const webhooks: VerifiedDelivery[] = [];
  const listener = await startWebhookListener({
    onDelivery: (delivery) => webhooks.push(delivery),
    onRejected: (why) => print(`   webhook refused: ${why}`),
  });
  try {
    const subscription = must(
      await api.POST('/api/v1/webhooks', {
        params: idempotent('subscribe'),
        body: { url: listener.url, eventTypes: ['payment_intent.*', 'charge.*', 'terminal.*'] },
      }),
      'subscribe',
    );
    listener.trust(subscription.secret);
    step(`${subscription.id} -> ${listener.url}`);

    // 2-5. Payments: amounts are integers in kuruş.
    const created = must(
      await api.POST('/v1/payment-intents', {
        params: idempotent('create'),
        body: { amount: 15_000, paymentMethodType: 'card_present', terminalId: 'trm_demo' },
      }),
      'create',
    );
    step(`${created.id} ${created.status}`);
    const authorized = must(
      await api.POST('/v1/payment-intents/{id}/authorize', {
        params: { path: { id: created.id }, ...idempotent('authorize') },
        body: {
          amount: 15_000,
          cardPresent: { scheme: 'troy', last4: '4242', authorizationCode: 'A1B2C3', rrn: '123456789012' },
        },
      }),
      'authorize',
    );
    step(`${authorized.status}, version ${authorized.version}`);
    const captured = must(
      await api.POST('/v1/payment-intents/{id}/capture', {
        params: {
          path: { id: created.id },
          header: { ...idempotent('capture').header, 'If-Match': `"${authorized.version}"` },
        },
        body: { amount: 9_250 },
      }),
      'capture',
    );
    step(`${captured.status}`);
    const paymentIntent = must(
      await api.GET('/v1/payment-intents/{id}', { params: { path: { id: created.id } } }),
      'read the intent',
    );
    step(
      `${paymentIntent.status}, captured ${paymentIntent.amountCaptured}, released ${paymentIntent.amountReleased}`,
    );

    // 6-9. A terminal, its health, and its attestation.
    const registered = must(
      await api.POST('/v1/terminals', {
        params: idempotent('register'),
        body: {
          serialNumber: `PAX-A920-${run.slice(0, 8)}`,
          model: 'A920',
          stationId: 'IST-001',
          firmwareVersion: '1.4.2',
        },
      }),
      'register a terminal',
    );
    const terminalId = registered.terminal.id;
    const asTerminal = createEdgePayClient({
      baseUrl: options.baseUrl,
      apiKey: registered.credential.apiKey,
    });
    step(`${terminalId} ${registered.terminal.status}`);
    const health = must(
      await asTerminal.POST('/v1/terminals/{id}/health-events', {
        params: { path: { id: terminalId } },
        body: { eventId: `hb-${run}`, type: 'heartbeat', occurredAt: new Date().toISOString() },
      }),
      'heartbeat',
    );
    step(`${health.connectivity}, health ${health.health.status}`);
    const policy = must(
      await api.PUT('/v1/attestation-policy', { body: { requireAttestation: true } }),
      'attestation policy',
    );
    step(`requireAttestation ${policy.requireAttestation}`);
    const challenge = must(
      await asTerminal.POST('/v1/terminals/{id}/attestation/challenge', {
        params: { path: { id: terminalId }, ...idempotent('challenge') },
      }),
      'attestation challenge',
    );
    const certificateChain = demoAttestationChain(
      authority,
      Buffer.from(challenge.challenge, 'base64'),
      new Date(),
    );
    const attestation = must(
      await asTerminal.POST('/v1/terminals/{id}/attestation', {
        params: { path: { id: terminalId }, ...idempotent('attest') },
        body: { challengeId: challenge.id, certificateChain },
      }),
      'attestation',
    );
    const reasons = attestation.verdict?.reasons.map((reason) => reason.code).join(', ');
    step(`${attestation.status}${reasons ? ` (${reasons})` : ''}`);

    // 10-14. A tariff, and a charge on an intent of the attested terminal.
    const tariff = must(
      await api.PUT('/v1/tariffs/{id}', {
        params: { path: { id: 'standard' } },
        body: {
          currency: 'TRY',
          preauthorizeAmount: 20_000,
          elements: [{ priceComponents: [{ type: 'ENERGY', price: 7.5, stepSize: 1 }] }],
        },
      }),
      'put a tariff',
    );
    step(`${tariff.id} version ${tariff.version}`);
    const chargeIntent = await authorizedIntent(asTerminal, 20_000, idempotent);
    step(`${chargeIntent.id} ${chargeIntent.status} (terminal ${chargeIntent.terminalId})`);
    const started = must(
      await api.POST('/v1/adhoc-charges/start', {
        params: idempotent('start'),
        body: {
          paymentIntentId: chargeIntent.id,
          tariffId: 'standard',
          stationId: 'IST-001',
          connectorId: '1',
        },
      }),
      'start a charge',
    );
    const active = await waitFor('the charge to become active', waitMs, async () => {
      const charge = must(
        await api.GET('/v1/adhoc-charges/{id}', { params: { path: { id: started.id } } }),
        'read the charge',
      );
      if (charge.status === 'failed') throw new Error(`the charge failed: ${JSON.stringify(charge)}`);
      return charge.status === 'active' ? charge : undefined;
    });
    step(`${active.id} ${started.status} -> ${active.status}`);
    const metered = must(
      await api.PUT('/v1/adhoc-charges/{id}/progress', {
        params: { path: { id: active.id } },
        body: { meterWh: 12_345, measuredAt: new Date().toISOString(), powerKw: 22 },
      }),
      'meter reading',
    );
    step(`${metered.meter.energyWh} Wh`);
    const completed = must(
      await api.POST('/v1/adhoc-charges/{id}/complete', {
        params: { path: { id: active.id }, ...idempotent('complete') },
      }),
      'complete the charge',
    );
    const settledIntent = await waitFor('the capture', waitMs, async () => {
      const intent = must(
        await api.GET('/v1/payment-intents/{id}', { params: { path: { id: chargeIntent.id } } }),
        'read the charge intent',
      );
      return intent.status === 'captured' ? intent : undefined;
    });
    step(
      `${completed.status}; ${settledIntent.id} captured ${settledIntent.amountCaptured}, released ${settledIntent.amountReleased}`,
    );

    // 15. The deliveries for what happened, each verified against the subscription's secret.
    const expected = ['payment_intent.captured', 'charge.completed', 'terminal.attested'];
    await waitFor('the webhooks', waitMs, async () =>
      sameSet(
        expected,
        webhooks.map((delivery) => delivery.event.type),
      )
        ? true
        : undefined,
    );
    step(`${webhooks.length} verified: ${[...new Set(webhooks.map((d) => d.event.type))].join(', ')}`);
    return {
      paymentIntent,
      terminal: registered.terminal,
      attestation,
      charge: must(
        await api.GET('/v1/adhoc-charges/{id}', { params: { path: { id: active.id } } }),
        'read the charge',
      ),
      chargeIntent: settledIntent,
      webhooks,
    };
  } finally {
    await listener.close();
  }
};

const authorizedIntent = async (
  asTerminal: EdgePayClient,
  amount: number,
  idempotent: (name: string) => { header: { 'Idempotency-Key': string } },
) => {
  const intent = must(
    await asTerminal.POST('/v1/payment-intents', {
      params: idempotent('charge-create'),
      body: { amount, paymentMethodType: 'card_present' },
    }),
    'create the charge intent',
  );
  return must(
    await asTerminal.POST('/v1/payment-intents/{id}/authorize', {
      params: { path: { id: intent.id }, ...idempotent('charge-authorize') },
      body: {
        amount,
        cardPresent: { scheme: 'visa', last4: '0005', authorizationCode: 'Z9Y8X7', rrn: '210987654321' },
      },
    }),
    'authorize the charge intent',
  );
};

if (require.main === module) {
  const apiKey = process.env.EDGEPAY_API_KEY;
  if (!apiKey) {
    process.stderr.write(
      `EDGEPAY_API_KEY is not set: create one with\n  npm run -s edgepay -- keys create --merchant mer_demo --scopes "${WALKTHROUGH_SCOPES.join(' ')}"\n`,
    );
    process.exit(2);
  }
  runWalkthrough({ baseUrl: process.env.EDGEPAY_URL ?? 'http://localhost:3000', apiKey }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
