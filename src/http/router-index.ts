import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { composeMiddleware } from './compose-middleware';

/** Literal segments a layer's path must start with to be indexed: "v1", "payment-intents". */
const KEY_DEPTH = 2;
const LITERAL_SEGMENT = /^[A-Za-z0-9_.~-]+$/;

interface Layer {
  rawPath?: unknown;
}

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
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
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
  const keyed = routers.map((router) => ({ router, keys: routerKeys(router) }));
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
        keyed.filter(({ keys }) => !keys || keys.has(first) || keys.has(second)).map(({ router }) => router),
      );
      chains.set(lookup, chain);
    }
    return chain;
  };
  return (req: Request, res: Response, next: NextFunction) => chainFor(req.path)(req, res, next);
};
