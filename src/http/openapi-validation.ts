import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { OpenApiValidatorOpts } from 'express-openapi-validator/dist/framework/types';
import path from 'node:path';
import { isDateTime, toUtcDateTime } from './edge/date-time';
import { composeMiddleware } from './compose-middleware';
import { requestValidation } from './openapi-request-validation';
import { validatorModule } from './validator-module';

/** The parts of express-openapi-validator 5.x this module builds the middleware from (its own classes). */
interface Validator {
  options: OpenApiValidatorOpts & { ignorePaths?: unknown; ignoreUndocumented?: boolean };
  ajvOpts: { preprocessor: unknown; request: unknown };
  installPathParams(app: Express, context: Context): void;
  metadataMiddleware(context: Context, responseApiDoc: unknown): RequestHandler;
  securityMiddleware(apiDoc: unknown): RequestHandler;
  multipartMiddleware(apiDoc: unknown): RequestHandler;
  responseValidationMiddleware(apiDoc: unknown, serial: number): RequestHandler;
}
interface Context {
  serial: number;
}
interface Spec {
  apiDoc: unknown;
}

export const OPENAPI_SPEC = path.resolve(__dirname, '../../openapi/edgepay.yaml');

/** How the gateway validates requests (and in tests, answers) against its contract. */
export const contractValidation = (validateResponses: boolean): OpenApiValidatorOpts => ({
  apiSpec: OPENAPI_SPEC,
  validateRequests: { allowUnknownQueryParameters: false, removeAdditional: false },
  validateResponses,
  validateSecurity: false,
  // The contract has no multipart or binary body; the package's upload middleware would only inspect
  // every request's body declaration to find that out (docs/decisions/0043).
  fileUploader: false,
  validateFormats: true,
  // One date-time reader for every parameter and body field: strict, and normalized to UTC.
  formats: { 'date-time': { type: 'string', validate: isDateTime } },
  serDes: [
    {
      format: 'date-time',
      deserialize: toUtcDateTime,
      serialize: (date: unknown) => (date instanceof Date ? date.toISOString() : String(date)),
    },
  ],
});

type Classes = Record<string, new (...args: never[]) => unknown>;

/**
 * The same middleware as `OpenApiValidator.middleware(options)`, in the same order, minus a promise per
 * middleware per request. The package's middlewares each wait on the loaded contract (`pContext.then`) on
 * every request, so a request passed five promise hops before its route. Here they are built once, when
 * the contract is loaded, from the package's own builders, and run in one synchronous chain; requests that
 * arrive before that wait for it (docs/decisions/0037).
 */
export const openApiValidation = (app: Express, options: OpenApiValidatorOpts): RequestHandler => {
  const { OpenApiValidator } = validatorModule<Classes>('openapi.validator.js');
  const { OpenApiSpecLoader } = validatorModule<Classes>('framework/openapi.spec.loader.js');
  const { OpenApiContext } = validatorModule<Classes>('framework/openapi.context.js');
  const { SchemaPreprocessor } = validatorModule<Classes>('middlewares/parsers/schema.preprocessor.js');
  const validator = new OpenApiValidator!(options as never) as Validator;
  const settings = validator.options;

  const build = async (): Promise<RequestHandler> => {
    const loader = new OpenApiSpecLoader!({
      apiDoc: typeof settings.apiSpec === 'string' ? settings.apiSpec : structuredClone(settings.apiSpec),
      validateApiSpec: settings.validateApiSpec,
      $refParser: settings.$refParser,
    } as never) as { load(): Promise<Spec> };
    const spec = await loader.load();
    const preprocessor = new SchemaPreprocessor!(
      spec.apiDoc as never,
      validator.ajvOpts.preprocessor as never,
      settings.validateResponses as never,
    ) as { preProcess(): { apiDocRes: unknown } };
    const { apiDocRes } = preprocessor.preProcess();
    const context = new OpenApiContext!(
      spec as never,
      settings.ignorePaths as never,
      settings.ignoreUndocumented as never,
      settings.useRequestUrl as never,
    ) as Context;
    validator.installPathParams(app, context);
    const chain: RequestHandler[] = [validator.metadataMiddleware(context, apiDocRes)];
    const { components } = spec.apiDoc as { components?: { securitySchemes?: unknown } };
    if (settings.validateSecurity && components?.securitySchemes) {
      chain.push(validator.securityMiddleware(spec.apiDoc));
    }
    if (settings.fileUploader) chain.push(validator.multipartMiddleware(spec.apiDoc));
    if (settings.validateRequests) chain.push(requestValidation(spec.apiDoc, validator.ajvOpts.request));
    if (settings.validateResponses) {
      chain.push(validator.responseValidationMiddleware(apiDocRes, context.serial));
    }
    return composeMiddleware(chain);
  };

  let built: RequestHandler | undefined;
  const building = build().then((handler) => {
    built = handler;
    return handler;
  });
  // A contract that fails to load fails every request, as the package's own middleware does.
  building.catch(() => undefined);
  return (req: Request, res: Response, next: NextFunction) => {
    if (built) return built(req, res, next);
    building.then((handler) => handler(req, res, next)).catch(next);
  };
};
