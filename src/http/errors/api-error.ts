export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'precondition_failed_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'dependency_error';

/** An error that already knows its HTTP answer. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly options: { param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export interface ErrorEnvelope {
  error: { type: ErrorType; code: string; message: string; param?: string; requestId: string };
}
