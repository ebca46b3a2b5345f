import { CpmsUnavailableError } from '../cpms-adapter';

/**
 * The CPMS could not be used for this call (transport, timeout, 5xx, 429, refused credentials, open
 * circuit). A `CpmsUnavailableError`, so the job queue retries it; `code` is precise and secret-free.
 */
export class CpmsCallError extends CpmsUnavailableError {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Replaces every known secret value in a text that may leave the adapter (an error, a log line). */
export const scrubSecrets = (text: string, secrets: readonly string[]): string =>
  secrets
    .filter((secret) => secret.length >= 4)
    .reduce((scrubbed, secret) => scrubbed.split(secret).join('[REDACTED]'), text);
