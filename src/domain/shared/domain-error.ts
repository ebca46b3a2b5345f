/**
 * The kinds of refusal a domain can express. The HTTP edge maps each kind to one status, once
 * (src/http/errors/error-mapping.ts); routes never build error answers by hand.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

export const conflict = (code: string, message: string): DomainError =>
  new DomainError('conflict', code, message);
export const invalid = (code: string, message: string, param?: string): DomainError =>
  new DomainError('invalid', code, message, param);
export const notFound = (code: string, message: string): DomainError =>
  new DomainError('not_found', code, message);
export const forbidden = (code: string, message: string): DomainError =>
  new DomainError('forbidden', code, message);
/** A partner the command needs (Edenred) cannot answer now; the same request may succeed later. */
export const unavailable = (code: string, message: string): DomainError =>
  new DomainError('unavailable', code, message);
