import { ocpiTimestamp } from './ocpi-time';

/** OCPI's response message (transport_and_format.asciidoc): every answer, success or not, has this shape. */
export interface OcpiEnvelope<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

export const OCPI_SUCCESS = 1000;

export const ocpiSuccess = <T>(data: T | undefined, now: Date): OcpiEnvelope<T> => ({
  ...(data === undefined ? {} : { data }),
  status_code: OCPI_SUCCESS,
  status_message: 'Success',
  timestamp: ocpiTimestamp(now),
});

export const ocpiFailure = (statusCode: number, message: string, now: Date): OcpiEnvelope<never> => ({
  status_code: statusCode,
  status_message: message,
  timestamp: ocpiTimestamp(now),
});

export const isOcpiEnvelope = (body: unknown): body is OcpiEnvelope =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as { status_code?: unknown }).status_code === 'number' &&
  typeof (body as { timestamp?: unknown }).timestamp === 'string';
