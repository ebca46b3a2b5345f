import { ConcurrencyConflictError, PreconditionFailedError } from '../../commands/command-handler';
import { DomainError, type DomainErrorKind } from '../../domain/shared/domain-error';
import { ApiError, type ErrorType } from './api-error';

const DOMAIN_STATUS: Record<DomainErrorKind, { status: number; type: ErrorType }> = {
  invalid: { status: 400, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'not_found_error' },
  conflict: { status: 409, type: 'conflict_error' },
  forbidden: { status: 403, type: 'permission_error' },
  unavailable: { status: 503, type: 'dependency_error' },
};

interface ValidatorError {
  status: number;
  message?: string;
  errors?: { path?: string; message?: string; errorCode?: string }[];
}

const isValidatorError = (error: unknown): error is ValidatorError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { status?: unknown }).status === 'number' &&
  Array.isArray((error as { errors?: unknown }).errors);

const REQUEST_PART = /^[./]?(body|query|params|headers|path)(?=[./]|$)[./]?/;

/**
 * `/body/amount` or `.body.amount` -> `amount`. Only paths into a part of the request are the caller's
 * words; anything else is the validator talking about itself (a route key, a malformed URI) and is not echoed.
 */
const paramOf = (path: string): string | undefined =>
  path.replace(REQUEST_PART, '').replace(/\//g, '.').replace(/^\./, '') || undefined;

const fromValidator = (error: ValidatorError): ApiError => {
  const first = error.errors?.[0];
  const aboutTheRequest = first?.path !== undefined && REQUEST_PART.test(first.path);
  const param = aboutTheRequest ? paramOf(first.path as string) : undefined;
  const message = aboutTheRequest
    ? `${param ?? 'request'}: ${first.message ?? 'is invalid'}`
    : 'the request does not match the contract';
  switch (error.status) {
    case 404:
      return new ApiError(404, 'not_found_error', 'route_not_found', 'no such route');
    case 405:
      return new ApiError(
        405,
        'invalid_request_error',
        'method_not_allowed',
        'method not allowed on this route',
      );
    case 413:
      return new ApiError(413, 'invalid_request_error', 'payload_too_large', 'the request body is too large');
    case 415:
      return new ApiError(415, 'invalid_request_error', 'unsupported_media_type', 'send application/json');
    default:
      return new ApiError(400, 'invalid_request_error', 'validation_failed', message, param ? { param } : {});
  }
};

interface BodyParserError {
  type?: string;
  status?: number;
  code?: string;
}

// Errors the body reader passes on from zlib when a body is not what its Content-Encoding claims.
const isDecodingError = (code: string | undefined): boolean =>
  code !== undefined && (code.startsWith('Z_') || code.startsWith('ERR_ZLIB') || code.startsWith('ERR__'));

const fromBodyParser = (error: BodyParserError): ApiError | undefined => {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_request_error', 'invalid_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new ApiError(413, 'invalid_request_error', 'payload_too_large', 'the request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'invalid_request_error', 'unsupported_encoding', 'unsupported body encoding');
    default:
      if (isDecodingError(error.code)) {
        return new ApiError(
          400,
          'invalid_request_error',
          'invalid_content_encoding',
          'the request body could not be decoded as its Content-Encoding says',
        );
      }
      // Any other refusal of the body reader (an aborted or short body) is the client's; its text is not.
      if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
        return new ApiError(
          400,
          'invalid_request_error',
          'unreadable_body',
          'the request body could not be read',
        );
      }
      return undefined;
  }
};

/** The one place where errors become HTTP answers. Unknown errors are 500 and logged by the caller. */
export const toApiError = (error: unknown): ApiError | undefined => {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) {
    const { status, type } = DOMAIN_STATUS[error.kind];
    return new ApiError(status, type, error.code, error.message, {
      ...(error.param ? { param: error.param } : {}),
      ...(error.kind === 'unavailable' ? { headers: { 'Retry-After': '5' } } : {}),
    });
  }
  if (error instanceof PreconditionFailedError) {
    return new ApiError(412, 'precondition_failed_error', 'version_mismatch', error.message);
  }
  if (error instanceof ConcurrencyConflictError) {
    return new ApiError(
      409,
      'conflict_error',
      'concurrent_modification',
      'the resource changed concurrently; retry',
    );
  }
  if (isValidatorError(error)) return fromValidator(error);
  if (typeof error === 'object' && error !== null) return fromBodyParser(error as BodyParserError);
  return undefined;
};
