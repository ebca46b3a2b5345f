import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { OPENAPI_SPEC } from '../../src/http/app';
import { groupRoutes, keyOf, requestKey } from '../../src/http/openapi-route-index';

interface SpecLoader {
  load(): Promise<{ routes: { expressRoute: string }[] }>;
}

/** The contract's express routes in the order the validator tries them, from its own loader. */
const contractRoutes = async (): Promise<Record<string, unknown>> => {
  const framework = path.join(path.dirname(require.resolve('express-openapi-validator')), 'framework');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the validator's internal loader
  const { OpenApiSpecLoader } = require(path.join(framework, 'openapi.spec.loader.js')) as {
    OpenApiSpecLoader: new (options: { apiDoc: string; validateApiSpec: boolean }) => SpecLoader;
  };
  const { routes } = await new OpenApiSpecLoader({ apiDoc: OPENAPI_SPEC, validateApiSpec: false }).load();
  const map: Record<string, unknown> = {};
  for (const { expressRoute } of routes) map[expressRoute] ??= {};
  return map;
};

// The copy of path-to-regexp the validator itself matches with.
const { pathToRegexp } = createRequire(require.resolve('express-openapi-validator'))('path-to-regexp') as {
  pathToRegexp: (route: string, options: object) => { regexp: RegExp };
};

/** What the validator's lookupRoute answers: the first route, in order, whose pattern matches. */
const firstMatch = (routes: Record<string, unknown>, url: string): string | undefined => {
  const requestPath = url.split('?')[0] ?? '';
  return Object.keys(routes).find((route) =>
    pathToRegexp(route, { sensitive: false, strict: false }).regexp.test(requestPath),
  );
};

/** The segments the validator sees: the path split on '/', one trailing slash allowed (no strict routing). */
const requestSegments = (url: string): string[] => {
  const question = url.indexOf('?');
  const requestPath = question === -1 ? url : url.slice(0, question);
  const segments = requestPath.split('/');
  if (segments.length > 2 && segments[segments.length - 1] === '') segments.pop();
  return segments;
};

const grouped = (groups: Map<string, Record<string, unknown>>, url: string) =>
  groups.get(requestKey(url)) ?? {};

describe('HTTP: the OpenAPI route index offers the validator only the routes a path could match', () => {
  let routes: Record<string, unknown>;
  let groups: Map<string, Record<string, unknown>>;

  before(async () => {
    routes = await contractRoutes();
    const built = groupRoutes(routes);
    assert.ok(built, 'every route of the contract has literal and whole-segment parameter segments');
    groups = built;
  });

  it('keeps each group far smaller than the contract', () => {
    const largest = Math.max(...[...groups.values()].map((group) => Object.keys(group).length));
    assert.ok(Object.keys(routes).length > 20);
    assert.ok(largest <= 4, `largest group holds ${largest} routes`);
  });

  it('finds, for every route filled in every way, the same first match as trying every route', () => {
    const fillings = ['stats', 'pi_1', 'ABC', 'a.b', '%2F', 'café', '~x'];
    const urls = Object.keys(routes).flatMap((route) =>
      fillings.flatMap((filling) => {
        const url = route.replace(/:[A-Za-z0-9_]+/g, filling);
        return [url, `${url}/`, `${url}//`, url.toUpperCase(), `${url}?x=/v1`, `/${url}`, `${url}/extra`];
      }),
    );
    for (const url of urls) assert.equal(firstMatch(grouped(groups, url), url), firstMatch(routes, url), url);
  });

  it('keys a request path without splitting it as it keys its segments (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('', 'v1', 'V1', 'payment-intents', 'x?y', '?', 'é'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 7 }), (segments) => {
        const url = segments.join('/');
        assert.equal(requestKey(url), keyOf(requestSegments(url)), url);
      }),
      { seed: 20_261_128, numRuns: 5_000 },
    );
  });

  it('agrees with trying every route on arbitrary paths made of the contract’s words (property)', () => {
    const words = [...new Set(Object.keys(routes).flatMap((route) => route.split('/')))];
    const segment = fc.oneof(fc.constantFrom(...words, '', 'X', 'V1', 'Stats'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 7 }), (segments) => {
        const url = segments.join('/');
        assert.equal(firstMatch(grouped(groups, url), url), firstMatch(routes, url), url);
      }),
      { seed: 20_261_127, numRuns: 2_000 },
    );
  });

  it('leaves a contract with routes of other shapes to the full scan', () => {
    assert.equal(groupRoutes({ '/v1/files/*path': {} }), undefined);
    assert.equal(groupRoutes({ '/:tenant/v1/things': {} }), undefined);
    assert.equal(groupRoutes({ '/v1/:a.:b': {} }), undefined);
  });
});
