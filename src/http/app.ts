import express, { Router, type Express } from 'express';
import { contractValidation, OPENAPI_SPEC, openApiValidation } from './openapi-validation';
import { compileOpenApiRoutesOnce } from './openapi-route-cache';
import { indexOpenApiRoutes } from './openapi-route-index';
import { routeByPrefix } from './router-index';
import { composeMiddleware } from './compose-middleware';
import type { Clock } from '../infrastructure/clock';
import type { IdempotencyStore } from '../infrastructure/idempotency/idempotency-store';
import type { Logger } from '../infrastructure/logging/logger';
import type { Metrics } from '../infrastructure/metrics/metrics';
import { TokenBucketRateLimiter } from './auth/rate-limiter';
import { boundedJsonDepth, declaredShapeOnly, decodablePath } from './edge/request-shape';
import { securityHeaders } from './edge/response-headers';
import { authenticate, type Authenticators } from './middleware/authenticate';
import { cardDataGuard } from './middleware/card-data-guard';
import { errorHandler, routeNotFound } from './middleware/error-handler';
import { idempotency } from './middleware/idempotency';
import { observeRequests } from './middleware/observe-requests';
import { rateLimit } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import { requireScopeFromContract } from './middleware/require-scope';
import { docsRoutes } from './routes/docs.routes';
import { protectedHealthRoutes, publicHealthRoutes, type HealthCheck } from './routes/health.routes';

export { OPENAPI_SPEC };

const BODY_LIMIT = '64kb';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  idempotencyStore: IdempotencyStore;
  authenticators: Authenticators;
  /** One router per resource group, mounted after authentication, validation, scopes and idempotency. */
  routers: readonly Router[];
  /**
   * Routers reached without our credentials (a CPMS's webhooks, a partner's login redirect): each checks
   * its own proof, before our authentication.
   */
  partnerRouters?: readonly Router[];
  healthChecks: readonly HealthCheck[];
  settings: {
    version: string;
    rateLimitPerMinute: number;
    /** Failed authentications a client address may make per minute before 429. */
    authFailuresPerMinute: number;
    idempotencyTtlMs: number;
    /** How long a claim of a request that never finished (crashed process) blocks its retries. */
    idempotencyLockMs: number;
    metricsPublic: boolean;
    /** Tests turn this on: every answer is checked against the contract. */
    validateResponses: boolean;
  };
}

export const createApp = (deps: AppDeps): Express => {
  const { settings } = deps;
  const now = () => deps.clock.now().getTime();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);

  const beforeAuthentication: Router[] = [publicHealthRoutes(deps.healthChecks), docsRoutes(OPENAPI_SPEC)];
  if (settings.metricsPublic) {
    beforeAuthentication.push(
      Router().get(
        '/metrics',
        async (_req, res) =>
          void res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
      ),
    );
  }
  compileOpenApiRoutesOnce();
  indexOpenApiRoutes();
  const validateRequests = openApiValidation(app, contractValidation(settings.validateResponses));

  app.use(
    composeMiddleware([
      securityHeaders,
      requestId,
      observeRequests(deps.logger, deps.metrics),
      routeByPrefix([...beforeAuthentication, ...(deps.partnerRouters ?? [])]),
      authenticate(deps.authenticators, {
        limiter: new TokenBucketRateLimiter({
          capacity: settings.authFailuresPerMinute,
          refillPerMinute: settings.authFailuresPerMinute,
        }),
        now,
      }),
      rateLimit(
        new TokenBucketRateLimiter({
          capacity: settings.rateLimitPerMinute,
          refillPerMinute: settings.rateLimitPerMinute,
        }),
        now,
      ),
      express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }),
      boundedJsonDepth,
      cardDataGuard,
      decodablePath,
      validateRequests,
      declaredShapeOnly,
      requireScopeFromContract,
      idempotency({
        store: deps.idempotencyStore,
        ttlMs: settings.idempotencyTtlMs,
        lockMs: settings.idempotencyLockMs,
        now,
        logger: deps.logger,
      }),
      routeByPrefix([
        protectedHealthRoutes(deps.healthChecks, deps.metrics, settings.version),
        ...deps.routers,
      ]),
      routeNotFound,
    ]),
  );
  app.use(errorHandler(deps.logger));
  return app;
};
