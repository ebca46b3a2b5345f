import type { Request, RequestHandler } from 'express';
import { isScope } from '../../domain/api-key/scopes';
import { hasScope } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { principalOf } from './authenticate';

/**
 * Scopes are declared in the contract (`x-scope` on each operation of openapi/edgepay.yaml), so the
 * document and the enforcement cannot drift. An authenticated operation without one is refused.
 */
export const requireScopeFromContract: RequestHandler = (req, res, next) => {
  const operation = (req as Request & { openapi?: { schema?: Record<string, unknown> } }).openapi?.schema;
  const scope = operation?.['x-scope'];
  if (typeof scope !== 'string' || !isScope(scope)) {
    next(new ApiError(403, 'permission_error', 'scope_undeclared', 'this operation declares no scope'));
    return;
  }
  if (!hasScope(principalOf(res), scope)) {
    next(
      new ApiError(403, 'permission_error', 'insufficient_scope', `this credential lacks the ${scope} scope`),
    );
    return;
  }
  next();
};
