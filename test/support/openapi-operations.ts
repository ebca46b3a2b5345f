import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OPENAPI_SPEC } from '../../src/http/app';

/** The subset of an OpenAPI schema object the request generators read. */
export interface Schema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  /** `createPaymentIntent`, or `METHOD path` when the contract gives no operationId. */
  name: string;
  method: string;
  /** The contract's path template, `/v1/payment-intents/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, when the operation declares a body. */
  body?: Schema;
  /** False for `security: []` (the public health probes). */
  authenticated: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Document = Record<string, any>;

/** Follows local `$ref`s (`#/components/...`) until a node without one. */
export const resolve = <T>(document: Document, node: T): T => {
  let current: any = node;
  for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref cycle at ${current.$ref as string}`);
    current = (current.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce((parent: any, key: string) => parent?.[key], document);
  }
  return current as T;
};

/** Every operation of the contract, read from the document itself so new operations are covered too. */
export const contractOperations = (file = OPENAPI_SPEC): { document: Document; operations: Operation[] } => {
  const document = parse(readFileSync(file, 'utf8')) as Document;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Document>(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Document | undefined;
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((parameter) => {
        const resolved = resolve<Parameter>(document, parameter);
        return { ...resolved, schema: resolve(document, resolved.schema ?? {}) };
      });
      const requestBody = resolve<Document | undefined>(document, operation.requestBody);
      const bodySchema = requestBody?.content?.['application/json']?.schema;
      const security = (operation.security ?? document.security ?? []) as unknown[];
      operations.push({
        name: (operation.operationId as string | undefined) ?? `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters,
        ...(bodySchema ? { body: resolve<Schema>(document, bodySchema) } : {}),
        authenticated: security.length > 0,
      });
    }
  }
  return { document, operations };
};
