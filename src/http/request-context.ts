import type { Response } from 'express';
import type { AccessScope } from '../commands/access-scope';
import type { CommandContext } from '../commands/command-context';
import { principalOf } from './middleware/authenticate';

/** What the caller's credential reaches: its merchant, and for a terminal's credential, that terminal. */
export const scopeOf = (res: Response): AccessScope => {
  const principal = principalOf(res);
  return {
    merchantId: principal.merchantId,
    ...(principal.terminalId ? { terminalId: principal.terminalId } : {}),
  };
};

/** Who asked, and why: the request id as correlation, the credential as actor, the Idempotency-Key. */
export const commandContext = (res: Response): CommandContext => {
  const principal = principalOf(res);
  return {
    correlationId: res.locals.requestId as string,
    actor: { id: principal.credentialId, kind: principal.kind },
    ...(res.locals.idempotency
      ? { idempotency: res.locals.idempotency as CommandContext['idempotency'] }
      : {}),
  };
};
