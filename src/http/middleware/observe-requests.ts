import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';

/** The route template (`/v1/payment-intents/:id`), never the raw URL: ids must not become labels. */
const routeTemplate = (req: Request): string => {
  const openapiPath = (req as Request & { openapi?: { openApiRoute?: string } }).openapi?.openApiRoute;
  if (openapiPath) return openapiPath;
  const route = req.route as { path?: string } | undefined;
  return route?.path ? `${req.baseUrl}${route.path}` : 'unmatched';
};

/** One log line and one histogram sample per request, written when the response is finished. */
export const observeRequests =
  (logger: Logger, metrics: Metrics): RequestHandler =>
  (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      metrics.httpRequestDuration.observe(
        { method: req.method, route, status_code: String(res.statusCode) },
        seconds,
      );
      const level = res.statusCode >= 500 ? 'error' : 'http';
      // winston filters levels only in its transports, after running the whole format chain.
      if (!logger.isLevelEnabled(level)) return;
      logger.log(level, 'request', {
        requestId: res.locals.requestId,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        credentialId: res.locals.principal?.credentialId,
      });
    });
    next();
  };
