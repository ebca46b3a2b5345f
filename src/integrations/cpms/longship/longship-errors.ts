import { longshipErrorSchema } from './longship-api';

const KNOWN: Record<string, string> = {
  ChargePointNotFound: 'charge_point_not_found',
  ConnectorNotFound: 'connector_not_found',
  ChargePointOffline: 'charge_point_offline',
  SessionNotFound: 'session_not_found',
  ValidationError: 'cpms_rejected_request',
};

const snake = (code: string) =>
  code
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();

/** Longship's `{code, errorDetails{message, referenceId}}` as a code and a message. */
export const longshipErrorOf = (body: unknown): { code?: string; message?: string } => {
  const parsed = longshipErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const { code, errorDetails } = parsed.data;
  const reference = errorDetails?.referenceId ? ` (reference ${errorDetails.referenceId})` : '';
  return {
    ...(code ? { code } : {}),
    ...(errorDetails?.message ? { message: `${errorDetails.message}${reference}` } : {}),
  };
};

/** A precise code for a 4xx answer: Longship's own code when it is one we know, else the status. */
export const longshipRefusal = (status: number, body: unknown): { code: string; message: string } => {
  const said = longshipErrorOf(body);
  const code = said.code ? (KNOWN[said.code] ?? `longship_${snake(said.code)}`) : `longship_http_${status}`;
  return { code, message: said.message ?? `Longship answered HTTP ${status}` };
};
