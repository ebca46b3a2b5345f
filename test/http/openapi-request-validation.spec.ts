import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import fc from 'fast-check';
import { openApiValidatorOptions } from '../../src/http/app';
import { openApiValidation } from '../../src/http/openapi-validation';
import { compileOpenApiRoutesOnce } from '../../src/http/openapi-route-cache';
import { indexOpenApiRoutes } from '../../src/http/openapi-route-index';
import { contractOperations, resolve, type Operation, type Schema } from '../support/openapi-operations';
import { invalidRequests, type InvalidRequest } from '../support/invalid-requests';

/**
 * Decision 0039's shortcut (a request with no query string skips the validator's parameter mutator) must
 * answer exactly as the package's own request validator: the same status and errors for every refusal, and
 * the same params, query, headers and body handed on for every request let through.
 */

type Document = Record<string, any>;

/** A small app: the JSON parser, the contract's validation, an echo of what passed, the validator's error. */
const validatingApp = (queryFreeShortcut: boolean) => {
  const app = express();
  app.set('etag', false);
  app.use(express.json({ limit: '64kb', strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(openApiValidation(app, openApiValidatorOptions(false), { queryFreeShortcut }));
  app.use((req, res) => {
    // The host header names each app's own port.
    const { host: _host, ...headers } = req.headers;
    res.json({ params: req.params, query: req.query, headers, body: req.body as unknown });
  });
  const refused: ErrorRequestHandler = (
    error: { status?: number; message?: string; errors?: unknown },
    _req,
    res,
    _next,
  ) => {
    res.status(error.status ?? 500).json({ message: error.message, errors: error.errors });
  };
  app.use(refused);
  return app;
};

const listen = (app: express.Express) =>
  new Promise<{ server: Server; url: string }>((resolveListening) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolveListening({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });

const send = async (url: string, request: Omit<InvalidRequest, 'defect'>) => {
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { status: response.status, body: await response.text() };
};

/** A body the schema likely accepts: required members only, each at its simplest allowed value. */
const simplestValue = (document: Document, node: Schema, depth = 0): unknown => {
  const schema = resolve(document, node) as Schema & Record<string, any>;
  if (depth > 6 || !schema) return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const variants = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(variants)) return simplestValue(document, variants[0] as Schema, depth + 1);
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part: Schema) => simplestValue(document, part, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        ((schema.required as string[] | undefined) ?? []).map((name) => [
          name,
          simplestValue(document, schema.properties?.[name] as Schema, depth + 1),
        ]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        simplestValue(document, schema.items as Schema, depth + 1),
      );
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'date-time' ? '2026-11-27T12:00:00Z' : 'a'.repeat(schema.minLength ?? 1);
    default:
      return null;
  }
};

/** Requests the validator likely lets through, with and without a query string, and a few near misses. */
const plausibleRequests = (document: Document, operation: Operation): Omit<InvalidRequest, 'defect'>[] => {
  const fillings = ['pi_01JD5Q3ZK4N8X0ABCDEFGHJKMN', 'x', '12', 'ABC'];
  const body = operation.body ? JSON.stringify(simplestValue(document, operation.body)) : undefined;
  const headers: Record<string, string> = {
    'x-api-key': 'epk_test_abcdefghijkm_secret',
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const queries = ['', '?', '?limit=2', '?zz=1'];
  return fillings.flatMap((filling) =>
    queries.map((query) => ({
      method: operation.method,
      path: `${operation.path.replace(/\{[^}]+\}/g, filling)}${query}`,
      headers,
      ...(body === undefined ? {} : { body }),
    })),
  );
};

describe('HTTP: the query-free shortcut of request validation answers as the package does (decision 0039)', function () {
  this.timeout(120_000);
  const { document, operations } = contractOperations();
  let shortcut: { server: Server; url: string };
  let packageOnly: { server: Server; url: string };

  before(async () => {
    compileOpenApiRoutesOnce();
    indexOpenApiRoutes();
    shortcut = await listen(validatingApp(true));
    packageOnly = await listen(validatingApp(false));
  });
  after(() => {
    shortcut.server.close();
    packageOnly.server.close();
  });

  const sameAnswer = async (request: Omit<InvalidRequest, 'defect'>) => {
    const [ours, theirs] = await Promise.all([send(shortcut.url, request), send(packageOnly.url, request)]);
    assert.deepEqual(ours, theirs, `${request.method} ${request.path.slice(0, 120)}`);
    return ours.status;
  };

  it('lets the same plausible requests through, with the same values, and refuses the rest alike', async () => {
    const statuses = new Set<number>();
    for (const operation of operations) {
      for (const request of plausibleRequests(document, operation)) statuses.add(await sameAnswer(request));
    }
    // Both outcomes were exercised: requests let through and requests refused.
    assert.ok(statuses.has(200), `statuses seen: ${[...statuses].join(', ')}`);
    assert.ok(statuses.has(400), `statuses seen: ${[...statuses].join(', ')}`);
  });

  it('refuses every invalid request of every operation alike (property)', async () => {
    const credentials = { 'x-api-key': 'epk_test_abcdefghijkm_secret' };
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(invalidRequests(document, operation, credentials), async (request) => {
          await sameAnswer(request);
        }),
        { seed: 20_261_127, numRuns: 25 },
      );
    }
  });
});
