import assert from 'node:assert/strict';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import { dispatchByOperation, routeByPrefix } from '../../src/http/router-index';
import { composeMiddleware } from '../../src/http/compose-middleware';

const listen = async (app: express.Express): Promise<{ server: Server; url: string }> => {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
};

/** A router that records every request express hands it, whether or not one of its layers matches. */
const countingRouter = (name: string, seen: string[], mount: (router: Router) => void) => {
  const router = Router();
  mount(router);
  // express calls a router through its handle method (router 2.x).
  const inner = router as unknown as { handle: (req: Request, res: Response, next: NextFunction) => void };
  const handle = inner.handle.bind(router);
  inner.handle = (req, res, next) => {
    seen.push(name);
    handle(req, res, next);
  };
  return router;
};

describe('routeByPrefix (decision 0034)', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  before(async () => {
    const intents = countingRouter('intents', seen, (router) => {
      router.get(
        '/v1/payment-intents/:id',
        (req, res) => void res.json({ router: 'intents', id: req.params.id }),
      );
    });
    const tariffs = countingRouter('tariffs', seen, (router) => {
      router.get('/v1/tariffs/:id', (_req, res) => void res.json({ router: 'tariffs' }));
    });
    const health = countingRouter('health', seen, (router) => {
      router.get('/health/live', (_req, res) => void res.json({ router: 'health' }));
    });
    // A layer the index cannot read (a parameter first): run for every request, in its place.
    const everywhere = countingRouter('everywhere', seen, (router) => {
      router.use('/:anything', (_req, _res, next) => next());
    });
    const last = countingRouter('last', seen, (router) => {
      router.get('/v1/payment-intents/:id/extra', (_req, res) => void res.json({ router: 'last' }));
    });
    const app = express();
    app.use(routeByPrefix([intents, tariffs, everywhere, health, last]));
    app.use((_req, res) => void res.status(404).json({ router: 'none' }));
    ({ server, url } = await listen(app));
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (seen.length = 0));

  const get = async (path: string) => (await (await fetch(`${url}${path}`)).json()) as { router: string };

  it('runs only the routers declaring the first segments, in their order', async () => {
    assert.equal((await get('/v1/tariffs/t1')).router, 'tariffs');
    assert.deepEqual(seen, ['tariffs']);
  });

  it('runs a router with a layer it cannot index for every request, in its place', async () => {
    assert.equal((await get('/v1/payment-intents/pi_1')).router, 'intents');
    assert.deepEqual(seen, ['intents']);
    seen.length = 0;
    assert.equal((await get('/v1/payment-intents/pi_1/extra')).router, 'last');
    assert.deepEqual(seen, ['intents', 'everywhere', 'last']);
  });

  it('matches one-segment keys and ignores case, as express does', async () => {
    assert.equal((await get('/HEALTH/live')).router, 'health');
    assert.equal((await get('/V1/Payment-Intents/pi_2')).router, 'intents');
  });

  it('falls through to the next middleware when no router answers', async () => {
    assert.equal((await get('/v1/unknown/x')).router, 'none');
    assert.deepEqual(seen, ['everywhere']);
  });
});

describe('dispatchByOperation (decision 0040)', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  /**
   * Stands in for the contract validator: names the operation it matched, as `req.openapi` does, and for
   * some sets `req.params` as it does (marked here, to tell them from the route's own).
   */
  const validated =
    (routes: Record<string, string | [string, Record<string, unknown>]>) =>
    (req: Request, _res: Response, next: NextFunction) => {
      const found = Object.entries(routes).find(([prefix]) => req.path.startsWith(prefix))?.[1];
      const [expressRoute, params] = typeof found === 'string' ? [found, undefined] : (found ?? []);
      if (expressRoute) (req as Request & { openapi?: unknown }).openapi = { expressRoute };
      if (params) req.params = params as Request['params'];
      next();
    };

  before(async () => {
    const intents = countingRouter('intents', seen, (router) => {
      router.post('/v1/payment-intents', (_req, res) => void res.json({ route: 'create' }));
      router.get('/v1/payment-intents/:id', (req, _res, next) =>
        req.params.id === 'pass' ? next('route') : next(),
      );
      router.get(
        '/v1/payment-intents/:id',
        (req, res) => void res.json({ route: 'get', id: req.params.id, path: req.route?.path }),
      );
      router.get('/v1/payment-intents/:intentId/events', (req, res, next) =>
        req.params.intentId === 'fail' ? next(new Error('refused')) : res.json({ route: 'events' }),
      );
    });
    const guarded = countingRouter('guarded', seen, (router) => {
      router.use('/v1/webhooks', (_req, res, next) => {
        res.setHeader('X-Guard', 'ran');
        next();
      });
      router.get('/v1/webhooks/:id', (_req, res) => void res.json({ route: 'webhook' }));
    });
    const app = express();
    // One express layer, as in the gateway: express resets req.params between its own layers.
    app.use(
      composeMiddleware([
        validated({
          '/v1/payment-intents/fail/events': '/v1/payment-intents/:id/events',
          '/v1/payment-intents/same': ['/v1/payment-intents/:id', { id: 'as the validator gave it' }],
          '/v1/payment-intents/coerced': ['/v1/payment-intents/:id', { id: 42 }],
          '/v1/payment-intents/': '/v1/payment-intents/:paymentIntentId',
          '/v1/webhooks/': '/v1/webhooks/:id',
        }),
        ...[intents, guarded].map((router) => dispatchByOperation(router) ?? router),
      ]),
    );
    app.use((_req, res) => void res.status(404).json({ route: 'none' }));
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      void res.status(500).json({ error: error.message });
    });
    ({ server, url } = await listen(app));
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (seen.length = 0));

  it("runs the validated operation's route without the router walking its routes", async () => {
    const answer = await fetch(`${url}/v1/payment-intents/pi%201`);
    assert.deepEqual(await answer.json(), { route: 'get', id: 'pi 1', path: '/v1/payment-intents/:id' });
    assert.deepEqual(seen, [], 'the router itself was not run');
  });

  it('keeps the path parameters the validator gave for the route it matched, unless one is no string', async () => {
    const same = await fetch(`${url}/v1/payment-intents/same`);
    assert.equal(((await same.json()) as { id: string }).id, 'as the validator gave it');
    const coerced = await fetch(`${url}/v1/payment-intents/coerced`);
    assert.equal(((await coerced.json()) as { id: string }).id, 'coerced', 'matched again, as express does');
    assert.deepEqual(seen, []);
  });

  it('passes next("route") to the next route of the same operation, and errors to the error handlers', async () => {
    assert.equal(
      ((await (await fetch(`${url}/v1/payment-intents/pass`)).json()) as { route: string }).route,
      'get',
    );
    const failed = await fetch(`${url}/v1/payment-intents/fail/events`);
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { error: 'refused' });
    assert.deepEqual(seen, []);
  });

  it('leaves a method the router does not declare for that operation to express (HEAD as GET)', async () => {
    const head = await fetch(`${url}/v1/payment-intents/pi_2`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.deepEqual(seen, ['intents']);
    seen.length = 0;
    const unknown = await fetch(`${url}/v1/payment-intents/pi_2`, { method: 'DELETE' });
    assert.equal(unknown.status, 404);
    assert.deepEqual(seen, ['intents', 'guarded']);
  });

  it('runs a router with middleware as express runs it', async () => {
    assert.equal(dispatchByOperation(Router().use((_req, _res, next) => next())), undefined);
    const answer = await fetch(`${url}/v1/webhooks/wh_1`);
    assert.equal(answer.headers.get('x-guard'), 'ran');
    assert.deepEqual(await answer.json(), { route: 'webhook' });
    assert.deepEqual(seen, ['intents', 'guarded']);
  });

  it('runs the router for a request the validator did not match', async () => {
    const answer = await fetch(`${url}/v1/payment-intents`, { method: 'POST' });
    assert.deepEqual(await answer.json(), { route: 'create' });
    assert.deepEqual(seen, ['intents']);
  });
});
