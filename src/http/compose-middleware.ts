import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs middleware in order as one express layer. Express 5's router costs a few microseconds per layer
 * (path matching, prefix trimming, its own promise check), and every request passes all of ours: as one
 * layer they cost one (docs/decisions/0034). The contract is express's: a middleware calls `next()` to go
 * on or `next(error)` to go to the error handlers, and a thrown error or a rejected promise counts as
 * `next(error)`.
 */
export const composeMiddleware =
  (handlers: readonly RequestHandler[]): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    let at = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null && error !== false) return next(error);
      const handler = handlers[at++];
      if (!handler) return next();
      try {
        const result: unknown = handler(req, res, step);
        if (result instanceof Promise) {
          result.catch((rejected: unknown) => step(rejected ?? new Error('Rejected promise')));
        }
      } catch (thrown) {
        step(thrown);
      }
    };
    step();
  };
