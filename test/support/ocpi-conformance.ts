import assert from 'node:assert/strict';
import path from 'node:path';
import { OcpiDescription } from '../../src/ocpi/openapi/ocpi-description';
import type { OcpiExchange } from '../../src/ocpi/transport/ocpi-exchange';

/** The copy in test/fixtures, not the runtime's: a change to openapi/ocpi/ cannot hide itself. */
const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/ocpi-openapi');
let description: OcpiDescription | undefined;
const officialDescription = () => (description ??= new OcpiDescription(FIXTURE_DIR));

/**
 * Records every OCPI exchange of a gateway under test and checks each against the official description:
 * the request (headers, query, body) and the answer (status and body). `assertConforming()` fails on the
 * first that does not match, and when nothing was recorded (a check that cannot fail is no check).
 */
export const ocpiConformance = () => {
  const exchanges: OcpiExchange[] = [];
  const violationsOf = (exchange: OcpiExchange) => {
    const operation = officialDescription().find(
      exchange.version,
      exchange.file,
      exchange.method,
      exchange.path,
    );
    if (!operation)
      return [`${exchange.method} ${exchange.path} is no operation of ${exchange.version} ${exchange.file}`];
    // A request the gateway refused as malformed (400) or unauthenticated (401) is a test's own doing:
    // only its answer is held to the description.
    const refusedByUs =
      exchange.direction === 'inbound' && (exchange.status === 400 || exchange.status === 401);
    const request = refusedByUs
      ? []
      : officialDescription().validateRequest(operation, {
          headers: exchange.requestHeaders,
          query: exchange.query,
          ...(exchange.requestBody === undefined ? {} : { body: exchange.requestBody }),
        });
    const response = officialDescription().validateResponse(
      operation,
      exchange.status,
      exchange.responseBody,
    );
    return [...request, ...response].map((violation) => `${violation.where} ${violation.message}`);
  };
  return {
    exchanges,
    record: (exchange: OcpiExchange) => void exchanges.push(exchange),
    /** Every recorded exchange conforms. */
    assertConforming(options: { minimum?: number } = {}) {
      assert.ok(
        exchanges.length >= (options.minimum ?? 1),
        `only ${exchanges.length} OCPI exchanges were recorded`,
      );
      for (const exchange of exchanges) {
        const violations = violationsOf(exchange);
        assert.deepEqual(
          violations,
          [],
          `${exchange.direction} ${exchange.method} ${exchange.version} ${exchange.path} -> ${exchange.status}`,
        );
      }
    },
    /** The answer alone, for requests a test sends malformed on purpose. */
    answerViolations: (exchange: OcpiExchange) => {
      const operation = officialDescription().find(
        exchange.version,
        exchange.file,
        exchange.method,
        exchange.path,
      );
      return operation
        ? officialDescription().validateResponse(operation, exchange.status, exchange.responseBody)
        : [];
    },
    violationsOf,
  };
};
