import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contractOperations } from '../support/openapi-operations';
import { invalidRequests, type InvalidRequest } from '../support/invalid-requests';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { FakeEdenred } from '../support/fake-edenred-client';
import { systemClock } from '../../src/infrastructure/clock';

/** Fixed, so a failure replays; FUZZ_SEED explores other runs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_127);
const RUNS_PER_OPERATION = 30;
/** Shared by all operations, so the property stays well under a minute on a slow machine too. */
const TIME_BUDGET_MS = 30_000;

/** What must never reach a caller: a stack frame, a source or install path. */
const INTERNALS = /\n\s+at |node_modules|\.(?:ts|js):\d+|\/(?:src|dist|work|home|tmp|usr)\//;

const send = async (url: string, request: InvalidRequest) => {
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { status: response.status, text: await response.text() };
};

const assertEnvelope = (text: string) => {
  const body = JSON.parse(text) as { error?: Record<string, unknown> };
  for (const field of ['type', 'code', 'message', 'requestId']) {
    assert.equal(typeof body.error?.[field], 'string', `error.${field} missing`);
  }
};

describe('HTTP: every operation of the contract refuses invalid requests cleanly (property)', function () {
  this.timeout(120_000);
  const { document, operations } = contractOperations();
  let api: TestGateway;
  let credentials: Record<string, string>;
  let lastEventCount: () => Promise<number>;

  before(async () => {
    // With an Edenred client (the fake of its port), so the Edenred routes are fuzzed too.
    api = await startTestGateway({ edenredClient: new FakeEdenred(systemClock) });
    credentials = { 'x-api-key': await api.issueKey({ scopes: ['admin'] }) };
    lastEventCount = async () => (await api.allEvents()).length;
    // Warm the routes and the validator, so the time limit measures requests, not start-up.
    await fetch(`${api.url}/v1/payment-intents`, { method: 'POST', headers: credentials });
  });
  after(() => api.close());

  it('reads every operation from the document', () => {
    assert.ok(operations.length >= 40, `only ${operations.length} operations found`);
  });

  for (const operation of operations) {
    it(`${operation.name} (${operation.method} ${operation.path}): no 5xx, the envelope on 4xx, no internals, nothing appended`, async () => {
      await fc.assert(
        fc.asyncProperty(invalidRequests(document, operation, credentials), async (request) => {
          const before = await lastEventCount();
          const { status, text } = await send(api.url, request);
          const context = `${request.defect}: ${request.method} ${request.path.slice(0, 120)} -> ${status} ${text.slice(0, 300)}`;
          // The public probes answer whatever they are sent; every other operation must refuse.
          if (operation.authenticated) assert.ok(status >= 400 && status < 500, context);
          else assert.ok(status < 500, context);
          if (status >= 400) assertEnvelope(text);
          assert.doesNotMatch(text, INTERNALS, context);
          assert.equal(await lastEventCount(), before, `an event was appended: ${context}`);
        }),
        {
          seed: SEED,
          numRuns: RUNS_PER_OPERATION,
          interruptAfterTimeLimit: Math.floor(TIME_BUDGET_MS / operations.length),
          markInterruptAsFailure: false,
        },
      );
    });
  }
});
