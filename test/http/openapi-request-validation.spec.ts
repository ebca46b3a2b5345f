import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Express } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { contractValidation, OPENAPI_SPEC, openApiValidation } from '../../src/http/openapi-validation';
import { readFileSync } from 'node:fs';

const INTENT = 'pi_01JD0000000000000000000000';
const KEY = 'b2f4a7a0-6c1e-4c7e-9a59-5a8f0d4f3c11';

interface Probe {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Requests on operations the short path serves (no query string), valid and not, and some it leaves. */
const PROBES: Probe[] = [
  { method: 'GET', url: `/v1/payment-intents/${INTENT}` },
  { method: 'GET', url: `/v1/payment-intents/${INTENT}/` },
  { method: 'GET', url: '/v1/payment-intents/pi_short' },
  { method: 'GET', url: '/v1/payment-intents/%E0%A4%A' },
  { method: 'GET', url: `/v1/payment-intents/${INTENT}`, headers: { 'x-request-id': 'r'.repeat(400) } },
  { method: 'GET', url: `/v1/payment-intents/${INTENT}?expand=x` },
  { method: 'GET', url: '/v1/payment-intents' },
  { method: 'GET', url: '/v1/payment-intents?limit=5' },
  { method: 'GET', url: '/v1/payment-intents?limit=abc' },
  { method: 'GET', url: '/v1/payment-intents?unknown=1' },
  { method: 'DELETE', url: `/v1/payment-intents/${INTENT}` },
  { method: 'GET', url: '/v1/nothing-here' },
  {
    method: 'POST',
    url: '/v1/payment-intents',
    headers: { 'idempotency-key': KEY },
    body: { amount: 15000, paymentMethodType: 'card_present', terminalId: 'trm_demo' },
  },
  {
    method: 'POST',
    url: '/v1/payment-intents',
    body: { amount: '15000', paymentMethodType: 'card_present' },
  },
  {
    method: 'POST',
    url: '/v1/payment-intents',
    body: { amount: 15000, paymentMethodType: 'card_present', x: 1 },
  },
  { method: 'POST', url: '/v1/payment-intents', body: { amount: -1, paymentMethodType: 'cash' } },
  { method: 'POST', url: '/v1/payment-intents', body: [] },
  { method: 'POST', url: '/v1/payment-intents', headers: { 'idempotency-key': '' }, body: {} },
  {
    method: 'POST',
    url: `/v1/payment-intents/${INTENT}/capture`,
    headers: { 'if-match': '"3"' },
    body: { amount: 12000 },
  },
  { method: 'POST', url: `/v1/payment-intents/${INTENT}/capture`, headers: { 'if-match': 'soon' }, body: {} },
  { method: 'POST', url: `/v1/payment-intents/${INTENT}/capture`, body: { amount: 1.5 } },
  { method: 'POST', url: `/v1/payment-intents/${INTENT}/cancel?reason=x`, body: {} },
  {
    method: 'POST',
    url: '/v1/payment-intents',
    body: 'amount=1',
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
  },
  {
    method: 'POST',
    url: `/v1/payment-intents/${INTENT}/capture`,
    body: { amount: 1 },
    headers: { 'content-type': 'text/plain' },
  },
];

/** An app that answers what validation let through, or the error it raised. */
const appWith = (install: (app: Express) => void): Express => {
  const app = express();
  app.use(express.json({ strict: false }));
  install(app);
  app.use((req, res) => void res.json({ params: req.params, body: req.body as unknown }));
  const errors: ErrorRequestHandler = (
    error: { status?: number; message?: string; errors?: unknown },
    _req,
    res,
    _next,
  ) => void res.status(error.status ?? 500).json({ message: error.message, errors: error.errors });
  app.use(errors);
  return app;
};

const listen = (app: Express): Promise<Server> =>
  new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });

const send = async (server: Server, probe: Probe) => {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}${probe.url}`, {
    method: probe.method,
    headers: {
      ...(probe.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...probe.headers,
    },
    ...(probe.body === undefined
      ? {}
      : { body: typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
};

/** Counts the package's per-request preparation, the work the short path leaves out. */
const countPreparations = () => {
  const file = path.join(
    path.dirname(require.resolve('express-openapi-validator')),
    'middlewares/parsers/req.parameter.mutator.js',
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the validator's own module instance
  const { RequestParameterMutator } = require(file) as {
    RequestParameterMutator: { prototype: { modifyRequest(req: unknown): void } };
  };
  const original = RequestParameterMutator.prototype.modifyRequest;
  const counter = {
    calls: 0,
    restore: () => void (RequestParameterMutator.prototype.modifyRequest = original),
  };
  RequestParameterMutator.prototype.modifyRequest = function (this: unknown, req: unknown) {
    counter.calls++;
    original.call(this, req);
  };
  return counter;
};

describe('HTTP: request validation skips the validator’s preparation only where it has nothing to do', () => {
  let packaged: Server;
  let ours: Server;
  let preparations: ReturnType<typeof countPreparations>;

  before(async () => {
    preparations = countPreparations();
    // The package as it comes, with its upload middleware, which the gateway turns off.
    const asItComes = { ...contractValidation(false), fileUploader: {} };
    packaged = await listen(appWith((app) => app.use(OpenApiValidator.middleware(asItComes))));
    ours = await listen(appWith((app) => app.use(openApiValidation(app, contractValidation(false)))));
  });

  after(() => {
    preparations.restore();
    packaged.close();
    ours.close();
  });

  PROBES.forEach((probe, at) => {
    it(`answers probe ${at} (${probe.method} ${probe.url.slice(0, 48)}) as the package does`, async () => {
      const expected = await send(packaged, probe);
      assert.deepEqual(await send(ours, probe), expected);
    });
  });

  it('needs no upload middleware: the contract declares no multipart or binary body', () => {
    assert.doesNotMatch(readFileSync(OPENAPI_SPEC, 'utf8'), /multipart|format:\s*binary/);
    assert.equal(contractValidation(false).fileUploader, false);
  });

  it('accepts valid requests on plain operations without the preparation, and prepares any other', async () => {
    const count = async (probe: Probe) => {
      const before = preparations.calls;
      const { status } = await send(ours, probe);
      return { status, prepared: preparations.calls - before };
    };
    assert.deepEqual(await count(PROBES[0]!), { status: 200, prepared: 0 });
    assert.deepEqual(await count(PROBES[12]!), { status: 200, prepared: 0 });
    assert.deepEqual(await count(PROBES[18]!), { status: 200, prepared: 0 });
    // A query string, an invalid request, a list operation with query parameters: the package's own path.
    assert.deepEqual(await count(PROBES[5]!), { status: 400, prepared: 1 });
    assert.deepEqual(await count(PROBES[2]!), { status: 400, prepared: 1 });
    assert.deepEqual(await count(PROBES[6]!), { status: 200, prepared: 1 });
  });
});
