/**
 * An OCPI refusal: the HTTP status and the OCPI status code (status_codes.asciidoc) it answers with.
 * The mapping lives here once (docs/decisions/0031-ocpi-surface.md says why each pair):
 * - 401 / 2000: no token, an unknown token, or a registration token on a functional module
 *   (transport_and_format.asciidoc, "Authorization header").
 * - 400 / 2001: what the official description refuses, routing headers of another party, a bad Link page.
 * - 404 / 2000 (2003 for a location, 2004 for a token): GET of an object that does not exist.
 * - 405 / 2000: the credentials module's registration state rules (credentials.asciidoc).
 * - 200 / 3001, 3002, 3003: the message reached the OCPI layer but we could not use the peer's API,
 *   share no version, or miss an expected endpoint ("a HTTP error MUST NOT be returned").
 */
export class OcpiError extends Error {
  override readonly name = 'OcpiError';
  constructor(
    readonly httpStatus: number,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const unauthorized = (message = 'Unauthorized: invalid or missing credentials token') =>
  new OcpiError(401, 2000, message);
export const invalidParameters = (message: string) => new OcpiError(400, 2001, message);
export const unknownObject = (message: string) => new OcpiError(404, 2000, message);
export const unknownLocation = (message: string) => new OcpiError(404, 2003, message);
export const unknownToken = (message: string) => new OcpiError(404, 2004, message);
export const methodNotAllowed = (message: string) => new OcpiError(405, 2000, message);
export const unableToUseClientApi = (message: string) => new OcpiError(200, 3001, message);
export const unsupportedVersion = (message: string) => new OcpiError(200, 3002, message);
export const noMatchingEndpoints = (message: string) => new OcpiError(200, 3003, message);

/** An answer of a peer that was not a success (HTTP or OCPI status), as our client sees it. */
export class OcpiPeerError extends Error {
  override readonly name = 'OcpiPeerError';
  constructor(
    readonly url: string,
    readonly httpStatus: number | undefined,
    readonly statusCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A peer's URL the guard refuses (private address, http in production): never sent, never retried. */
export class OcpiUrlRefusedError extends OcpiPeerError {
  constructor(
    url: string,
    readonly code: string,
    message: string,
  ) {
    super(url, undefined, undefined, message);
  }
}
