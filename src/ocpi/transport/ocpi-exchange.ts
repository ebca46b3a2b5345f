import type { InterfaceFile, OcpiVersion } from '../openapi/ocpi-description';

/**
 * One OCPI request and its answer, as the description names it: tests check every one the gateway
 * answers (`inbound`) and sends (`outbound`) against the official description in test/fixtures.
 */
export interface OcpiExchange {
  direction: 'inbound' | 'outbound';
  version: OcpiVersion;
  file: InterfaceFile;
  method: string;
  /** Relative to the module's endpoint, as the description's paths are: `/credentials`, `/locations/NL/...`. */
  path: string;
  requestHeaders: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
}

export type ExchangeObserver = (exchange: OcpiExchange) => void;
