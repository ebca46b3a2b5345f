import { Router, type Request, type Response } from 'express';
import { canReach } from '../../commands/access-scope';
import type { EdenredLinkResult, EdenredLinkService } from '../../commands/edenred/edenred-link.service';
import { edenredLinkStreamName } from '../../domain/edenred-link/edenred-link.decider';
import {
  EDENRED_LINKS_COLLECTION,
  type EdenredLinkDocument,
} from '../../projections/edenred/edenred-link.document';
import { ApiError } from '../errors/api-error';
import { freshDocument, type ReadSide } from '../read-your-writes';
import { commandContext, scopeOf } from '../request-context';
import { parseIfMatch, sendResource, etagOf, toResource } from '../resource';

export interface EdenredRoutesDeps extends ReadSide {
  links: EdenredLinkService;
}

const idParam = (req: Request): string => req.params.id as string;
const notFound = (id: string) =>
  new ApiError(404, 'not_found_error', 'edenred_link_not_found', `no Edenred link ${id}`);

const viewOf = (result: EdenredLinkResult): EdenredLinkDocument => {
  if (!result.view) throw new Error('an Edenred link command left no link');
  return result.view;
};

/** The link and where to send the user to log in; the URL carries the single-use state, nothing else secret. */
const sendWithLoginUrl = (
  res: Response,
  status: number,
  doc: EdenredLinkDocument,
  authorizationUrl: string,
) => {
  res.setHeader('ETag', etagOf(doc.version));
  res.status(status).json({ ...toResource(doc), authorizationUrl });
};

/** Wallet links: API-key (or terminal JWT) routes, behind authentication, validation and scopes. */
export const edenredLinkRoutes = (deps: EdenredRoutesDeps): Router => {
  const router = Router();
  const { links } = deps;

  router.post('/v1/edenred/links', async (req, res) => {
    const body = (req.body ?? {}) as { paymentIntentId?: string; name?: string };
    const { result, authorizationUrl } = await links.start(body, scopeOf(res), commandContext(res));
    const doc = viewOf(result);
    res.setHeader('Location', `/v1/edenred/links/${doc.id}`);
    sendWithLoginUrl(res, 201, doc, authorizationUrl);
  });

  router.post('/v1/edenred/links/:id/login', async (req, res) => {
    const { result, authorizationUrl } = await links.restartLogin(
      idParam(req),
      scopeOf(res),
      commandContext(res),
    );
    sendWithLoginUrl(res, 200, viewOf(result), authorizationUrl);
  });

  router.get('/v1/edenred/links/:id', async (req, res) => {
    const id = idParam(req);
    const doc = await freshDocument<EdenredLinkDocument>(
      deps,
      edenredLinkStreamName(id),
      EDENRED_LINKS_COLLECTION,
      id,
    );
    if (!doc || !canReach(scopeOf(res), doc)) throw notFound(id);
    sendResource(res, 200, doc);
  });

  router.get('/v1/edenred/links/:id/balance', async (req, res) => {
    const id = idParam(req);
    const balance = await links.balance(id, scopeOf(res), commandContext(res));
    res.json({ object: 'edenred_balance', linkId: id, ...balance });
  });

  router.delete('/v1/edenred/links/:id', async (req, res) => {
    const result = await links.remove(
      idParam(req),
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    sendResource(res, 200, viewOf(result));
  });

  return router;
};

const CODE = /^[A-Za-z0-9._~+/=-]{1,2048}$/;
const STATE = /^edl_[A-Za-z0-9]{1,40}\.[A-Za-z0-9_-]{32}$/;

const queryString = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Edenred's redirect after the user's login: no API key (the user's browser comes here), authenticated
 * only by the single-use state we issued for one link. Mounted before authentication.
 */
export const edenredCallbackRoutes = (deps: { links: EdenredLinkService }): Router => {
  const router = Router();
  router.get('/v1/edenred/callback', async (req, res) => {
    const state = queryString(req, 'state');
    const code = queryString(req, 'code');
    const refused = queryString(req, 'error');
    if (!state || !STATE.test(state)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'login_state_invalid',
        'state is missing or malformed',
        {
          param: 'state',
        },
      );
    }
    if (!refused && (!code || !CODE.test(code))) {
      throw new ApiError(400, 'invalid_request_error', 'validation_failed', 'code is missing or malformed', {
        param: 'code',
      });
    }
    const result = await deps.links.completeLogin(
      refused
        ? { state, refused: /^[a-z_]{1,64}$/.test(refused) ? refused : 'error' }
        : { state, code: code as string },
      res.locals.requestId as string,
    );
    const doc = viewOf(result);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ object: 'edenred_link_callback', linkId: doc.id, status: doc.status });
  });
  return router;
};
