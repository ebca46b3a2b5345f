import { z } from 'zod';
import { CPMS_SESSION_STATUSES } from '../../../domain/charge-session/charge-session.events';

/**
 * The shapes of the Corpay (Drive) session API that the adapter and the simulator share, after the
 * seed's session object. Only the fields EdgePay reads are checked; the rest passes through.
 */
export const CORPAY_TOKEN_PATH = '/keycloak/realms/longship/protocol/openid-connect/token';

export const corpayTokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

export const corpayStartAnswerSchema = z.object({ sessionId: z.string().min(1) });

export const CORPAY_BALANCE_STATUSES = ['PROCESSING', 'PAID', 'DEBT', 'REFUND'] as const;

/** The seed says "energy consumed" without a unit or shape: a number is kWh, an object names its unit. */
const energySchema = z.union([
  z.number().nonnegative(),
  z.object({ value: z.number().nonnegative(), unit: z.enum(['Wh', 'kWh']).optional() }),
]);

export const corpaySessionSchema = z.object({
  id: z.string().optional(),
  sessionStatus: z.enum(CPMS_SESSION_STATUSES),
  balanceStatus: z.enum(CORPAY_BALANCE_STATUSES).nullish(),
  duration: z.string().nullish(),
  energy: energySchema.nullish(),
  startedAt: z.string().nullish(),
});
export type CorpaySession = z.infer<typeof corpaySessionSchema>;

export const corpaySessionAnswerSchema = z.object({
  sessionId: z.string().optional(),
  session: corpaySessionSchema.optional(),
});

export const energyWhOf = (energy: CorpaySession['energy']): number | undefined => {
  if (energy === null || energy === undefined) return undefined;
  if (typeof energy === 'number') return Math.round(energy * 1000);
  return Math.round(energy.unit === 'Wh' ? energy.value : energy.value * 1000);
};

/** Corpay's error bodies as a code and a message: the API's `{code, message}` or OAuth's `{error, error_description}`. */
export const corpayErrorOf = (body: unknown): { code?: string; message?: string } => {
  if (!body || typeof body !== 'object') return {};
  const fields = body as Record<string, unknown>;
  const firstString = (...names: string[]) =>
    names.map((name) => fields[name]).find((value): value is string => typeof value === 'string');
  const code = firstString('code', 'error');
  const message = firstString('message', 'error_description');
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
};

const KNOWN: Record<string, string> = {
  CONNECTOR_BUSY: 'connector_busy',
  CONNECTOR_NOT_FOUND: 'connector_not_found',
  SESSION_NOT_FOUND: 'session_not_found',
  START_REFUSED: 'start_refused',
  INVALID_REQUEST: 'cpms_rejected_request',
};

/** A precise code for a 4xx answer. */
export const corpayRefusal = (status: number, body: unknown): { code: string; message: string } => {
  const said = corpayErrorOf(body);
  const code = said.code
    ? (KNOWN[said.code] ?? `corpay_${said.code.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`)
    : `corpay_http_${status}`;
  return { code, message: said.message ?? `Corpay answered HTTP ${status}` };
};
