import express, { type Request, type Response } from 'express';
import type { Clock } from '../../infrastructure/clock';
import { newUuid } from '../../infrastructure/ids';
import type { Logger } from '../../infrastructure/logging/logger';
import { SECURITY_HEADERS } from '../../http/edge/response-headers';
import type { OcpiDescription, OcpiOperation, OcpiVersion } from '../openapi/ocpi-description';
import type { ExchangeObserver } from '../transport/ocpi-exchange';
import { ocpiFailure, ocpiSuccess, type OcpiEnvelope } from '../transport/ocpi-envelope';
import { invalidParameters, OcpiError, unauthorized, unknownObject } from '../transport/ocpi-errors';
import { identifyCaller, type OcpiCaller, type OcpiCallerDeps } from './ocpi-caller';
import { describePath, type DescribedPath } from './ocpi-paths';
import { ocpiErrorOf } from './ocpi-error-mapping';
import {
  OcpiThrottledError,
  throttledAuthentication,
  type OcpiAuthFailureThrottle,
} from './auth-failure-throttle';
import { checkRoutingHeaders, type OcpiIdentity } from './routing-headers';

export interface OcpiRequest {
  version: OcpiVersion;
  operation: OcpiOperation;
  caller: OcpiCaller;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: unknown;
  /** Kept across a flow: the peer's, echoed, and passed on to what we send while handling it. */
  correlationId: string;
  now: Date;
}

export interface OcpiAnswer {
  httpStatus?: number;
  data?: unknown;
  headers?: Record<string, string>;
}

export type OcpiHandler = (request: OcpiRequest) => Promise<OcpiAnswer>;

/** Handlers by operation id of the description (`getVersions`, `postCredentials`, `receiverPutLocation`...). */
export type OcpiHandlers = Readonly<Record<string, OcpiHandler>>;

export interface OcpiAppDeps extends OcpiCallerDeps {
  description: OcpiDescription;
  handlers: OcpiHandlers;
  us: OcpiIdentity;
  clock: Clock;
  logger: Logger;
  /** Tests: an answer the description refuses becomes a 500, so it cannot pass unnoticed. */
  validateResponses: boolean;
  onExchange?: ExchangeObserver;
  authFailures?: OcpiAuthFailureThrottle;
}

const BODY_LIMIT = '1mb';

const headersOf = (req: Request): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
  );

const queryOf = (req: Request): Record<string, string | undefined> =>
  Object.fromEntries(
    [...new URL(req.originalUrl, 'http://ocpi.invalid').searchParams.entries()].map(([key, value]) => [
      key,
      value,
    ]),
  );

/**
 * OCPI's own HTTP surface, mounted at /ocpi beside EdgePay's API (never inside it): its envelope, its
 * token authentication, the official description as validator, its status codes. Handlers receive a
 * request that passed all of it and return data; errors are OcpiErrors or DomainErrors.
 */
export const createOcpiApp = (deps: OcpiAppDeps) => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    const requestId = req.get('X-Request-ID') ?? newUuid();
    const correlationId = req.get('X-Correlation-ID') ?? newUuid();
    res.set({ 'X-Request-ID': requestId, 'X-Correlation-ID': correlationId });
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: () => true }));

  const send = (
    req: Request,
    res: Response,
    described: DescribedPath | undefined,
    operation: OcpiOperation | undefined,
    httpStatus: number,
    body: OcpiEnvelope,
    extraHeaders: Record<string, string> = {},
  ) => {
    let status = httpStatus;
    let answer: OcpiEnvelope = body;
    if (operation && deps.validateResponses) {
      const violations = deps.description.validateResponse(operation, status, answer);
      if (violations.length > 0) {
        deps.logger.error('OCPI answer does not match the description', {
          operationId: operation.operationId,
          violations,
        });
        status = 500;
        answer = ocpiFailure(
          3000,
          `the answer did not match the OCPI description: ${violations.map((violation) => `${violation.where} ${violation.message}`).join('; ')}`,
          deps.clock.now(),
        );
      }
    }
    res.status(status).set(extraHeaders).json(answer);
    if (described && deps.onExchange) {
      deps.onExchange({
        direction: 'inbound',
        version: described.version,
        file: described.file,
        method: req.method,
        path: described.path,
        requestHeaders: headersOf(req),
        query: queryOf(req),
        ...(req.body === undefined ? {} : { requestBody: req.body as unknown }),
        status,
        responseBody: answer,
      });
    }
  };

  app.use(async (req, res) => {
    const pathname = new URL(req.originalUrl, 'http://ocpi.invalid').pathname;
    const described = describePath(pathname);
    let operation: OcpiOperation | undefined;
    try {
      if (!described) throw unknownObject(`no OCPI endpoint ${pathname}`);
      operation = deps.description.find(described.version, described.file, req.method, described.path);
      if (!operation) {
        if (deps.description.hasPath(described.version, described.file, described.path)) {
          throw new OcpiError(405, 2000, `${req.method} is not allowed here`);
        }
        throw unknownObject(`no OCPI endpoint ${pathname}`);
      }
      const handler = deps.handlers[operation.operationId];
      if (!handler) throw unknownObject(`this platform does not implement ${operation.operationId}`);
      const caller = await throttledAuthentication(
        deps.authFailures,
        req.socket.remoteAddress ?? 'unknown',
        () => identifyCaller(deps, req.get('Authorization')),
      );
      const headers = headersOf(req);
      if (!described.configuration) {
        if (caller.access !== 'registered')
          throw unauthorized('a registration token reaches only versions and credentials');
        checkRoutingHeaders(headers, caller.party.roles, deps.us);
      }
      const query = queryOf(req);
      const body: unknown = req.body;
      const violations = deps.description.validateRequest(operation, { headers, query, body });
      if (violations.length > 0) {
        throw invalidParameters(
          violations.map((violation) => `${violation.where} ${violation.message}`).join('; '),
        );
      }
      const answer = await handler({
        version: described.version,
        operation,
        caller,
        headers,
        query,
        body,
        correlationId: res.get('X-Correlation-ID') as string,
        now: deps.clock.now(),
      });
      send(
        req,
        res,
        described,
        operation,
        answer.httpStatus ?? 200,
        ocpiSuccess(answer.data, deps.clock.now()),
        answer.headers,
      );
    } catch (error) {
      const refusal = ocpiErrorOf(error, deps.logger);
      send(
        req,
        res,
        described,
        operation,
        refusal.httpStatus,
        ocpiFailure(refusal.statusCode, refusal.message, deps.clock.now()),
        error instanceof OcpiThrottledError ? { 'Retry-After': String(error.retryAfterSeconds) } : {},
      );
    }
  });

  // The JSON parser's refusals (not JSON, too large) reach here: OCPI's 400 with 2001.
  app.use((error: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    const refusal = ocpiErrorOf(error, deps.logger);
    const described = describePath(new URL(req.originalUrl, 'http://ocpi.invalid').pathname);
    send(
      req,
      res,
      described,
      undefined,
      refusal.httpStatus,
      ocpiFailure(refusal.statusCode, refusal.message, deps.clock.now()),
    );
  });
  return app;
};
