import { DomainError } from '../../domain/shared/domain-error';
import type { Logger } from '../../infrastructure/logging/logger';
import { LOCATION_NOT_FOUND } from '../../domain/ocpi-location/ocpi-location.decider';
import { ALREADY_REGISTERED, NOT_REGISTERED } from '../../domain/ocpi-party/ocpi-party.decider';
import { OcpiError, OcpiPeerError } from '../transport/ocpi-errors';

const parserError = (error: unknown): { status: number; message: string } | undefined => {
  const candidate = error as { status?: unknown; type?: unknown; message?: unknown } | null;
  return typeof candidate?.status === 'number' && typeof candidate.type === 'string'
    ? { status: candidate.status, message: String(candidate.message) }
    : undefined;
};

/** Every failure as an OCPI refusal; only what nothing expected is a 500 (logged, never with a token). */
export const ocpiErrorOf = (error: unknown, logger: Logger): OcpiError => {
  if (error instanceof OcpiError) return error;
  if (error instanceof DomainError) {
    if (error.code === ALREADY_REGISTERED || error.code === NOT_REGISTERED)
      return new OcpiError(405, 2000, error.message);
    if (error.code === LOCATION_NOT_FOUND) return new OcpiError(404, 2003, error.message);
    if (error.kind === 'not_found') return new OcpiError(404, 2000, error.message);
    if (error.kind === 'invalid') return new OcpiError(400, 2001, error.message);
    return new OcpiError(400, 2000, error.message);
  }
  if (error instanceof OcpiPeerError)
    return new OcpiError(200, 3001, `unable to use the client's API: ${error.message}`);
  const parser = parserError(error);
  if (parser)
    return new OcpiError(
      parser.status === 413 ? 413 : 400,
      2001,
      `the body is not valid JSON: ${parser.message}`,
    );
  logger.error('OCPI request failed', { error: error instanceof Error ? error.message : String(error) });
  return new OcpiError(500, 3000, 'generic server error');
};
