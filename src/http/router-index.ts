import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { composeMiddleware } from './compose-middleware';

/** Literal segments a layer's path must start with to be indexed: "v1", "payment-intents". */
const KEY_DEPTH = 2;
const LITERAL_SEGMENT = /^[A-Za-z0-9_.~-]+$/;

interface Layer {
  rawPath?: unknown;
  route?: { path?: unknown; methods: Record<string, boolean | undefined> };
  match(path: string): false | { params: Record<string, string> };
  handleRequest(req: Request, res: Response, next: NextFunction): void;
}

type Stacked = Router & { stack: Layer[] };

/**
 * The keys a layer can match, lower-cased: its first literal segments, at most KEY_DEPTH. Undefined when
 * its path is not a plain string or starts with a parameter or pattern: such a layer is tried on every
 * request.
 */
const layerKey = (layer: Layer): string | undefined => {
  if (typeof layer.rawPath !== 'string' || !layer.rawPath.startsWith('/')) return undefined;
  const literal: string[] = [];
  for (const segment of layer.rawPath.split('/').slice(1, KEY_DEPTH + 1)) {
    if (!LITERAL_SEGMENT.test(segment)) break;
    literal.push(segment.toLowerCase());
  }
  return literal.length === 0 ? undefined : `/${literal.join('/')}`;
};

/** Every key of a router's layers, or undefined when one of them has to be tried on every request. */
const routerKeys = (router: Router): Set<string> | undefined => {
  const keys = new Set<string>();
  for (const layer of (router as Stacked).stack) {
    const key = layerKey(layer);
    if (key === undefined) return undefined;
    keys.add(key);
  }
  return keys;
};

/** The keys a request path can meet: its first segment, and its first two. */
const requestKeys = (path: string): [string, string | undefined] => {
  const first = path.indexOf('/', 1);
  if (first === -1) return [path.toLowerCase(), undefined];
  const second = path.indexOf('/', first + 1);
  return [
    path.slice(0, first).toLowerCase(),
    path.slice(0, second === -1 ? undefined : second).toLowerCase(),
  ];
};

/**
 * Mounts routers whose routes are written with their whole path (`/v1/payment-intents/:id`) so that a
 * request runs only the routers that declare a route under its first segments, in their mounting order,
 * instead of walking every route of every router (express tries each layer's matcher in turn: docs/
 * decisions/0034). A router with a layer the index cannot read is run for every request, in its place.
 */
export const routeByPrefix = (routers: readonly Router[]): RequestHandler => {
  const keyed = routers.map((router) => ({
    router,
    keys: routerKeys(router),
    byOperation: dispatchByOperation(router),
  }));
  const declared = new Set(keyed.flatMap(({ keys }) => [...(keys ?? [])]));
  // Keyed by the declared keys a path meets, so the map stays as small as the routers' declarations.
  const chains = new Map<string, RequestHandler>();
  const chainFor = (path: string): RequestHandler => {
    const [requestFirst, requestSecond] = requestKeys(path);
    const first = declared.has(requestFirst) ? requestFirst : '';
    const second = requestSecond !== undefined && declared.has(requestSecond) ? requestSecond : '';
    const lookup = `${first} ${second}`;
    let chain = chains.get(lookup);
    if (!chain) {
      chain = composeMiddleware(
        keyed
          .filter(({ keys }) => !keys || keys.has(first) || keys.has(second))
          .map(({ router, byOperation }) => byOperation ?? router),
      );
      chains.set(lookup, chain);
    }
    return chain;
  };
  // A request the validator matched: its route's literal first segments are the path's, so the chain can
  // be found by the route (a bounded set) instead of cutting and lower-casing the path again.
  const byRoute = new Map<string, RequestHandler>();
  return (req: Request, res: Response, next: NextFunction) => {
    const route = (req as Request & ValidatedRoute).openapi?.expressRoute;
    if (typeof route !== 'string') return chainFor(req.path)(req, res, next);
    let chain = byRoute.get(route);
    if (!chain) {
      chain = literalPrefix(route)
        ? chainFor(route)
        : (request, response, proceed) => chainFor(request.path)(request, response, proceed);
      byRoute.set(route, chain);
    }
    return chain(req, res, next);
  };
};

/** True when a route's first segments (as far as KEY_DEPTH) are literal, as any path it matches has them. */
const literalPrefix = (route: string): boolean =>
  route
    .split('/')
    .slice(1, KEY_DEPTH + 1)
    .every((segment) => LITERAL_SEGMENT.test(segment));

/** A route's path with its parameter names dropped: `/v1/payment-intents/:id` gives `/v1/payment-intents/:`. */
const shapeOf = (routePath: string): string => routePath.replace(/:[A-Za-z0-9_]+/g, ':');
const PLAIN_ROUTE = /^(\/([A-Za-z0-9_.~-]+|:[A-Za-z0-9_]+))+$/;

/**
 * A router whose layers are all plain routes, by method and path shape; undefined for any other router (one
 * with middleware, a pattern, or `all()`), which then runs as express runs it.
 */
const operationIndex = (router: Router): Map<string, Layer[]> | undefined => {
  const index = new Map<string, Layer[]>();
  for (const layer of (router as Stacked).stack) {
    const path = layer.route?.path;
    if (typeof path !== 'string' || !PLAIN_ROUTE.test(path)) return undefined;
    for (const [method, handled] of Object.entries(layer.route!.methods)) {
      if (!handled) continue;
      if (method === '_all') return undefined;
      const key = `${method.toUpperCase()} ${shapeOf(path)}`;
      index.set(key, [...(index.get(key) ?? []), layer]);
    }
  }
  return index;
};

interface ValidatedRoute {
  openapi?: { expressRoute?: unknown };
}

/** Path parameters as a route's matcher gives them: decoded strings, which the validator leaves alone too. */
const allStrings = (params: Record<string, unknown>): boolean => {
  for (const name in params) if (typeof params[name] !== 'string') return false;
  return true;
};

/**
 * Runs a router's route for the operation the contract validator matched (`req.openapi.expressRoute`)
 * without express walking the router's other routes: express's router runs each layer's path matcher in
 * turn, and its own bookkeeping, on every request (docs/decisions/0040). A route declared with the very path
 * the validator matched keeps the validator's path parameters (the same pattern, decoded the same way;
 * docs/decisions/0043) unless the contract's schema coerced one from its string; any other route still
 * matches the path itself, so `req.params` is what express would give it. A request the validator did not match, or
 * whose operation this router does not declare under that method and shape (HEAD included), goes through
 * the router as express runs it.
 */
export const dispatchByOperation = (router: Router): RequestHandler | undefined => {
  const index = operationIndex(router);
  if (!index) return undefined;
  const shapes = new Map<string, string>();
  return (req: Request, res: Response, next: NextFunction) => {
    const expressRoute = (req as Request & ValidatedRoute).openapi?.expressRoute;
    if (typeof expressRoute !== 'string') return router(req, res, next);
    let shape = shapes.get(expressRoute);
    if (shape === undefined) {
      shape = shapeOf(expressRoute);
      shapes.set(expressRoute, shape);
    }
    const layers = index.get(`${req.method} ${shape}`);
    if (!layers) return router(req, res, next);
    let at = 0;
    const step = (error?: unknown): void => {
      if (error === 'router') return next();
      if (error !== undefined && error !== null && error !== 'route') return next(error);
      const layer = layers[at++];
      if (!layer) return next();
      if (layer.route?.path !== expressRoute || !allStrings(req.params)) {
        const match = layer.match(req.path);
        if (!match) return step();
        req.params = match.params;
      }
      req.route = layer.route;
      layer.handleRequest(req, res, step);
    };
    step();
  };
};
