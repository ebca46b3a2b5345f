import type { NextFunction, Request, RequestHandler, Response } from 'express';
import path from 'node:path';

/** The parts of express-openapi-validator 5.x's RequestValidator this module uses (its own class). */
interface RequestValidator {
  ajv: Ajv;
  ajvBody: Ajv;
  validate(req: Request, res: Response, next: NextFunction): void;
  buildMiddleware(path: string, operation: Operation, contentType: ContentType, key: string): RequestHandler;
}
interface Ajv {
  getSchema(key: string): CompiledSchema | undefined;
  errorsText(errors: unknown[], options: { dataVar: string }): string;
}
type CompiledSchema = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface ContentType {
  mediaType?: string;
}
interface Parameter {
  in?: string;
  style?: string;
  content?: unknown;
}
interface Schema {
  type?: unknown;
  allOf?: unknown;
  oneOf?: unknown;
  anyOf?: unknown;
  $ref?: unknown;
}
interface Operation {
  parameters?: unknown[];
}
interface OpenApiRequest {
  openapi: { pathParams: Record<string, unknown> };
  cookies?: Record<string, unknown>;
  signedCookies?: Record<string, unknown>;
}

const fromValidator = <T>(file: string): T => {
  const directory = path.dirname(require.resolve('express-openapi-validator'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the validator's own module instances
  return require(path.join(directory, file)) as T;
};

const { RequestValidator } = fromValidator<{
  RequestValidator: new (apiDoc: unknown, options: unknown) => RequestValidator;
}>('middlewares/openapi.request.validator.js');
const { BodySchemaParser } = fromValidator<{
  BodySchemaParser: new () => {
    parse(path: string, operation: Operation, contentType: ContentType): unknown;
  };
}>('middlewares/parsers/body.parse.js');
const { dereferenceParameter, normalizeParameter } = fromValidator<{
  dereferenceParameter(apiDoc: unknown, parameter: unknown): Parameter;
  normalizeParameter(ajv: Ajv, parameter: Parameter): { schema: Schema | undefined };
}>('middlewares/parsers/util.js');
const { augmentAjvErrors, ajvErrorsToValidatorError } = fromValidator<{
  augmentAjvErrors(errors: unknown[]): unknown[];
  ajvErrorsToValidatorError(status: number, errors: unknown[]): { errors: unknown };
}>('middlewares/util.js');
const { BadRequest } = fromValidator<{
  BadRequest: new (options: { path: string; message: string }) => Error & { errors?: unknown };
}>('framework/types.js');

/**
 * Whether the validator's parameter mutator does nothing for a request with no query string: it only reshapes
 * query values (absent here), `content` parameters, and array or object parameters wherever they are. A
 * deepObject query parameter gets its default even when absent, so it counts too.
 */
const mutatorInertWithoutQuery = (apiDoc: unknown, ajv: Ajv, operation: Operation): boolean =>
  (operation.parameters ?? []).every((declared) => {
    const parameter = dereferenceParameter(apiDoc, declared);
    if (parameter.content !== undefined || parameter.style === 'deepObject') return false;
    const { schema } = normalizeParameter(ajv, parameter);
    if (!schema || schema.$ref !== undefined) return false;
    const { type, allOf, oneOf, anyOf } = schema;
    return type !== 'array' && type !== 'object' && !allOf && !oneOf && !anyOf;
  });

/**
 * The request validator of express-openapi-validator, the same per operation, with one shortcut: a request
 * with no query string, to an operation whose parameters the mutator would leave alone, skips the mutator and
 * the unknown-query check (both have nothing to do) and is validated by the same compiled schemas, with the
 * same 400. Everything else, and every request with a query string, runs the package's own code
 * (docs/decisions/0039).
 */
export const requestValidation = (apiDoc: unknown, options: unknown): RequestHandler => {
  const validator = new RequestValidator(apiDoc, options);
  const buildFull = validator.buildMiddleware.bind(validator);
  validator.buildMiddleware = (route, operation, contentType, key) => {
    const full = buildFull(route, operation, contentType, key);
    const body = new BodySchemaParser().parse(route, operation, contentType) as { _discriminator?: unknown };
    const eligible =
      !route.endsWith('*') &&
      contentType.mediaType !== 'multipart/form-data' &&
      body?._discriminator === undefined &&
      mutatorInertWithoutQuery(apiDoc, validator.ajv, operation);
    // The package compiled both schemas under this key while building `full`.
    const validateGeneral = validator.ajv.getSchema(key);
    const validateBody = validator.ajvBody.getSchema(key);
    if (!eligible || !validateGeneral || !validateBody) return full;
    const withoutQuery = (req: Request) => {
      const { openapi, cookies, signedCookies } = req as Request & OpenApiRequest;
      if (Object.keys(openapi.pathParams).length > 0) req.params = openapi.pathParams as Request['params'];
      // As the package leaves it: a plain property, so what the schemas coerce or default stays.
      Object.defineProperty(req, 'query', { writable: true, value: req.query });
      const data = {
        query: req.query ?? {},
        headers: req.headers,
        params: req.params,
        cookies: cookies ? { ...cookies, ...signedCookies } : undefined,
        body: req.body as unknown,
      };
      const valid = validateGeneral(data);
      const validBody = validateBody(data);
      if (valid && validBody) return;
      const errors = augmentAjvErrors([...(validateGeneral.errors ?? []), ...(validateBody.errors ?? [])]);
      const error = new BadRequest({
        path: req.path,
        message: validator.ajv.errorsText(errors, { dataVar: 'request' }),
      });
      error.errors = ajvErrorsToValidatorError(400, errors).errors;
      throw error;
    };
    return (req, res, next) => {
      if (req.originalUrl.includes('?') || Object.hasOwn(req, 'query')) return full(req, res, next);
      withoutQuery(req);
      next();
    };
  };
  return (req, res, next) => validator.validate(req, res, next);
};
