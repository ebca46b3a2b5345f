import { validatorModule } from './validator-module';

type RouteMap = Record<string, unknown>;
interface OpenApiContext {
  expressRouteMap: RouteMap;
  useRequestUrl?: boolean;
}
type Middleware = (req: { originalUrl: string; url: string }, res: unknown, next: unknown) => unknown;
type ApplyOpenApiMetadata = ((context: OpenApiContext, responseApiDoc: unknown) => Middleware) & {
  indexed?: true;
};
interface MetadataModule {
  applyOpenApiMetadata: ApplyOpenApiMetadata;
}

const LITERAL_SEGMENT = /^[A-Za-z0-9_.~-]+$/;
const PARAMETER_SEGMENT = /^:[A-Za-z0-9_]+$/;
/** Leading literal segments in the key: "", "v1", "payment-intents" for /v1/payment-intents/:id. */
const KEY_DEPTH = 3;
const SLASH = 0x2f;

/** A request path as the candidates' key: its segment count and first segments, lower-cased. */
export const keyOf = (segments: readonly string[]): string =>
  `${segments.length} ${segments.slice(0, KEY_DEPTH).join('/').toLowerCase()}`;

/**
 * The key of a request path: its segment count (one trailing slash dropped, as the validator matches without
 * strict routing) and its first segments, lower-cased, as `keyOf` keys a route. Counted without splitting.
 */
export const requestKey = (url: string): string => {
  const question = url.indexOf('?');
  let requestPath = question === -1 ? url : url.slice(0, question);
  let segments = 1;
  for (let at = 0; at < requestPath.length; at++) if (requestPath.charCodeAt(at) === SLASH) segments++;
  if (segments > 2 && requestPath.charCodeAt(requestPath.length - 1) === SLASH) {
    requestPath = requestPath.slice(0, -1);
    segments--;
  }
  let end = -1;
  for (let depth = 0; depth < KEY_DEPTH; depth++) {
    end = requestPath.indexOf('/', end + 1);
    if (end === -1) break;
  }
  return `${segments} ${(end === -1 ? requestPath : requestPath.slice(0, end)).toLowerCase()}`;
};

/**
 * The contract's routes grouped by what any path they match must have: the same number of segments and
 * the same first segments (parameters match one whole segment, never a '/'). Each group keeps the
 * contract's order, so the first route the validator matches is the one it matched before. Undefined
 * when a route has a segment of another shape, for which that reasoning would not hold.
 */
export const groupRoutes = (routes: RouteMap): Map<string, RouteMap> | undefined => {
  const groups = new Map<string, RouteMap>();
  for (const [route, methods] of Object.entries(routes)) {
    const segments = route.split('/');
    const shaped = segments.every(
      (segment, at) =>
        (at === 0 && segment === '') || LITERAL_SEGMENT.test(segment) || PARAMETER_SEGMENT.test(segment),
    );
    const keyed = segments.slice(0, KEY_DEPTH).every((segment) => !PARAMETER_SEGMENT.test(segment));
    if (!shaped || !keyed) return undefined;
    const key = keyOf(segments);
    const group = groups.get(key) ?? {};
    group[route] = methods;
    groups.set(key, group);
  }
  return groups;
};

/**
 * express-openapi-validator 5.x (`lookupRoute` in its openapi.metadata middleware) tries every path of
 * the contract, in order, on every request. This hands its lookup, per request, a view of the context
 * whose route map holds only the routes that could match that path; everything else (the matching
 * itself, 404, 405, path parameters) is the validator's own code, unchanged.
 */
export const indexOpenApiRoutes = (): void => {
  const module = validatorModule<MetadataModule>('middlewares/openapi.metadata.js');
  const apply = module.applyOpenApiMetadata;
  if (apply.indexed) return;
  const indexed: ApplyOpenApiMetadata = (context, responseApiDoc) => {
    const groups = groupRoutes(context.expressRouteMap);
    if (groups === undefined) return apply(context, responseApiDoc);
    const view = Object.create(context) as OpenApiContext;
    const noRoutes: RouteMap = {};
    const middleware = apply(view, responseApiDoc);
    return (req, res, next) => {
      // The same URL the validator's lookupRoute matches against.
      const url = context.useRequestUrl === true ? req.url : req.originalUrl;
      view.expressRouteMap = groups.get(requestKey(url)) ?? noRoutes;
      return middleware(req, res, next);
    };
  };
  indexed.indexed = true;
  module.applyOpenApiMetadata = indexed;
};
