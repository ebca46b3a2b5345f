import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { validatorModule } from './validator-module';

/** The compiled schema functions ajv keeps under a key (the validator's `useAjvCache`). */
interface CompiledSchema {
  (data: unknown): boolean;
  schema?: { properties?: { body?: { _discriminator?: unknown } } };
}
interface Ajv {
  getSchema(key: string): CompiledSchema | undefined;
}
interface Parameter {
  in?: string;
  content?: unknown;
  style?: string;
}
interface Operation {
  parameters?: unknown[];
}
interface ContentType {
  mediaType: string | null;
}
type BuildMiddleware = (
  route: string,
  operation: Operation,
  contentType: ContentType,
  key: string,
) => RequestHandler;
/** The parts of express-openapi-validator 5.x's RequestValidator this module wraps. */
interface RequestValidator {
  ajv: Ajv;
  ajvBody: Ajv;
  buildMiddleware: BuildMiddleware;
  validate(req: Request, res: Response, next: NextFunction): void;
}
interface ValidatedRequest {
  openapi: { pathParams: Record<string, string> };
}

const { RequestValidator } = validatorModule<{
  RequestValidator: new (apiDoc: unknown, options: unknown) => RequestValidator;
}>('middlewares/openapi.request.validator.js');
const { dereferenceParameter, normalizeParameter } = validatorModule<{
  dereferenceParameter(apiDoc: unknown, parameter: unknown): Parameter;
  normalizeParameter(ajv: Ajv, parameter: Parameter): { schema?: { type?: unknown } };
}>('middlewares/parsers/util.js');

/**
 * True when, for a request without a query string, the validator's per-request preparation changes nothing:
 * every parameter is a plain path or header value (no query or cookie parameter, no `content`, no array or
 * form style to split), the body is not multipart and has no discriminator, and the route has no wildcard.
 */
const preparationIsInert = (
  apiDoc: unknown,
  ajv: Ajv,
  route: string,
  operation: Operation,
  contentType: ContentType,
  body: CompiledSchema,
): boolean => {
  if (route.endsWith('*') || contentType.mediaType === 'multipart/form-data') return false;
  if (body.schema?.properties?.body?._discriminator !== undefined) return false;
  return (operation.parameters ?? []).every((declared) => {
    const parameter = dereferenceParameter(apiDoc, declared);
    if (parameter.in !== 'path' && parameter.in !== 'header') return false;
    if (parameter.content !== undefined) return false;
    const { schema } = normalizeParameter(ajv, parameter);
    return schema?.type !== 'array' && schema?.type !== 'object' && parameter.style !== 'form';
  });
};

/**
 * express-openapi-validator's request validation, with the same compiled schemas, minus its per-request
 * preparation where that preparation has nothing to do. For each request the package parses the URL
 * (`url.parse`), builds a parameter mutator, walks the operation's parameters and redefines `req.query`
 * before it runs the two compiled schemas: about a tenth of a GET's CPU. A request without a query string,
 * on an operation whose parameters are plain path and header values, gives that preparation nothing to do,
 * so the two schemas are run directly on the same data. A request they accept goes on; any other request,
 * and every other operation, goes through the package's own middleware, so every error is the package's
 * own (docs/decisions/0043).
 */
export const requestValidation = (apiDoc: unknown, ajvOptions: unknown): RequestHandler => {
  const validator = new RequestValidator(apiDoc, ajvOptions);
  const build = validator.buildMiddleware.bind(validator);
  validator.buildMiddleware = (route, operation, contentType, key) => {
    const packaged = build(route, operation, contentType, key);
    // Both are registered under the same key while the package builds its middleware.
    const general = validator.ajv.getSchema(key);
    const body = validator.ajvBody.getSchema(key);
    if (
      !general ||
      !body ||
      !preparationIsInert(apiDoc, validator.ajv, route, operation, contentType, body)
    ) {
      return packaged;
    }
    return (req, res, next) => {
      if (req.originalUrl.includes('?')) return packaged(req, res, next);
      // The package's own step; the metadata middleware before it has set the same object already.
      req.params = (req as Request & ValidatedRequest).openapi.pathParams;
      const cookies = req.cookies ? { ...req.cookies, ...req.signedCookies } : undefined;
      const data = { query: {}, headers: req.headers, params: req.params, cookies, body: req.body };
      if (general(data) && body(data)) return next();
      return packaged(req, res, next);
    };
  };
  return (req, res, next) => validator.validate(req, res, next);
};
