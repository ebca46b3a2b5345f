import assert from 'node:assert/strict';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import { routeByPrefix } from '../../src/http/router-index';

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
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
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
