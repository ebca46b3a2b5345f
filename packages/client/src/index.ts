import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './edgepay.schema';

export type { components, operations, paths };
/** The contract's schemas by name, e.g. `Schemas['PaymentIntent']`. */
export type Schemas = components['schemas'];
export type EdgePayClient = Client<paths>;

export interface EdgePayClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the gateway answers, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** An `epk_...` key (sent as `X-API-Key`). */
  apiKey?: string;
  /** A JWT (sent as `Authorization: Bearer ...`). */
  bearerToken?: string;
}

/** A client whose paths, parameters, bodies and answers are typed by openapi/edgepay.yaml. */
export const createEdgePayClient = ({
  apiKey,
  bearerToken,
  headers,
  ...options
}: EdgePayClientOptions): EdgePayClient =>
  createClient<paths>({
    ...options,
    headers: {
      ...(apiKey ? { 'X-API-Key': apiKey } : {}),
      ...(bearerToken ? { Authorization: `Bearer ${bearerToken}` } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  });
