import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../infrastructure/logging/logger';
import { ApiError, type ErrorEnvelope } from '../errors/api-error';
import { toApiError } from '../errors/error-mapping';

export const routeNotFound: RequestHandler = (_req, _res, next) =>
  next(new ApiError(404, 'not_found_error', 'route_not_found', 'no such route'));

/** Every error leaves as the envelope; only unexpected ones are 500, logged, and never show a stack. */
export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error, _req, res, _next) => {
    void _next;
    const requestId = (res.locals.requestId as string | undefined) ?? 'unknown';
    const apiError =
      toApiError(error) ??
      new ApiError(500, 'api_error', 'internal_error', 'something went wrong on our side');
    if (apiError.status >= 500) logger.error('request failed', { requestId, error });
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(apiError.options.headers ?? {})) res.setHeader(name, value);
    const body: ErrorEnvelope = {
      error: {
        type: apiError.type,
        code: apiError.code,
        message: apiError.message,
        ...(apiError.options.param ? { param: apiError.options.param } : {}),
        requestId,
      },
    };
    res.status(apiError.status).json(body);
  };
