import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorEnvelope, ErrorType } from '../../../http/errors/api-error';
import type { Logger } from '../../../infrastructure/logging/logger';
import type { ObservationSink } from '../station-adapter';
import { LONGSHIP_WEBHOOK_SECRET_HEADER, cloudEventSchema } from './longship-api';
import { InvalidLongshipEvent, observationsOf, type Observation } from './longship-event-observations';

/** Where the merger mounts the router (Longship's webhook configuration points there). */
export const LONGSHIP_WEBHOOK_MOUNT_PATH = '/v1/integrations/longship/events';
/** Events per batch (`application/cloudevents-batch+json`). */
const MAX_BATCH = 100;

export interface LongshipWebhookRouterDeps {
  /** The per-adapter secret Longship sends in `x-longship-webhook-secret`; undefined: nothing is accepted. */
  webhookSecret: () => string | undefined;
  sink: ObservationSink;
  logger: Logger;
}

const fail = (
  res: Response,
  status: number,
  type: ErrorType,
  code: string,
  message: string,
  param?: string,
) => {
  const body: ErrorEnvelope = {
    error: {
      type,
      code,
      message,
      ...(param ? { param } : {}),
      requestId: (res.locals.requestId as string | undefined) ?? 'unknown',
    },
  };
  res.status(status).json(body);
};

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compared as digests so neither the length nor the content leaks through timing. */
const secretMatches = (given: string | undefined, expected: string | undefined): boolean =>
  given !== undefined &&
  expected !== undefined &&
  expected.length > 0 &&
  timingSafeEqual(digest(given), digest(expected));

/**
 * Longship's CloudEvents 1.0 pushes (structured, or a batch): authenticated by the header secret,
 * validated whole before anything reaches the sink (a batch with one bad event is refused entirely),
 * turned into connector and session observations with their source times. Unknown types are accepted
 * and ignored; Longship does not retry, so every answer is final.
 */
export const longshipWebhookRouter = (deps: LongshipWebhookRouterDeps): Router => {
  const router = Router();

  const authenticate: RequestHandler = (req, res, next) => {
    if (secretMatches(req.get(LONGSHIP_WEBHOOK_SECRET_HEADER), deps.webhookSecret())) return next();
    deps.logger.warn('longship push refused: bad or missing secret', { requestId: res.locals.requestId });
    fail(
      res,
      401,
      'authentication_error',
      'invalid_webhook_secret',
      'the webhook secret is missing or wrong',
    );
  };

  const parseBody = express.json({
    type: ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'],
    limit: '256kb',
    strict: true,
  });

  const receive: RequestHandler = (req, res, next) => {
    const body: unknown = req.body;
    if (!req.is(['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'])) {
      return fail(
        res,
        415,
        'invalid_request_error',
        'unsupported_media_type',
        'send application/cloudevents+json',
      );
    }
    const events = Array.isArray(body) ? body : [body];
    if (events.length === 0 || events.length > MAX_BATCH) {
      return fail(
        res,
        400,
        'invalid_request_error',
        'invalid_batch',
        `a batch holds 1 to ${MAX_BATCH} events`,
      );
    }
    const observations: Observation[] = [];
    for (const [index, candidate] of events.entries()) {
      const parsed = cloudEventSchema.safeParse(candidate);
      const at = Array.isArray(body) ? `[${index}].` : '';
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = `${at}${issue?.path.join('.') || 'event'}`;
        return fail(
          res,
          400,
          'invalid_request_error',
          'invalid_cloud_event',
          `${param}: ${issue?.message ?? 'is invalid'}`,
          param,
        );
      }
      try {
        observations.push(...observationsOf(parsed.data));
      } catch (error) {
        if (!(error instanceof InvalidLongshipEvent)) throw error;
        return fail(res, 400, 'invalid_request_error', 'invalid_event_data', `${at}${error.message}`);
      }
    }
    void deliver(observations)
      .then(() => res.status(204).end())
      .catch((error: unknown) => next(error));
  };

  const deliver = async (observations: Observation[]) => {
    for (const item of observations) {
      if (item.kind === 'connector') await deps.sink.connectorStatus(item.observation);
      else await deps.sink.session(item.observation);
    }
  };

  const answerErrors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    void _next;
    const status = (error as { status?: unknown }).status;
    if (res.headersSent) return;
    if (status === 413)
      return fail(res, 413, 'invalid_request_error', 'payload_too_large', 'the request body is too large');
    if (status === 415) {
      return fail(
        res,
        415,
        'invalid_request_error',
        'unsupported_media_type',
        'unsupported charset or encoding',
      );
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return fail(res, 400, 'invalid_request_error', 'invalid_json', 'the body is not valid JSON');
    }
    deps.logger.error('longship push could not be recorded', { requestId: res.locals.requestId, error });
    fail(
      res,
      503,
      'dependency_error',
      'observations_unavailable',
      'the push could not be recorded; it was not applied in full',
    );
  };

  router.post('/', authenticate, parseBody, receive, answerErrors);
  return router;
};
