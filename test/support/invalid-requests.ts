import fc from 'fast-check';
import { resolve, type Operation, type Parameter, type Schema } from './openapi-operations';

/** One request that the contract refuses, and why (shown when a property fails). */
export interface InvalidRequest {
  defect: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Bytes sent as the body, as given. */
  body?: string | Uint8Array;
}

type Document = Record<string, any>;

const IMPOSSIBLE_DATE_TIMES = [
  '2016-12-31T23:59:60Z',
  '2026-02-30T10:00:00Z',
  '2026-03-01T24:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-03-01',
  'yesterday',
  '2026-03-01T10:00:00+25:00',
];
const NON_NUMBERS = ['Infinity', '-Infinity', '1e400', '9'.repeat(400), 'NaN', '0x10', '1.5', 'abc', ''];
const HOSTILE_PATH_VALUES = [
  '%zz',
  '%',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  encodeURIComponent('ı'.repeat(40)),
  'x'.repeat(3000),
  encodeURIComponent("'; DROP TABLE events; --"),
  encodeURIComponent('{"$gt":""}'),
];

const typeOf = (schema: Schema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;

/** A value of a type the schema does not allow (the body parser never coerces). */
const wrongTypeFor = (schema: Schema): unknown => {
  switch (typeOf(schema)) {
    case 'string':
      return 12_345;
    case 'integer':
    case 'number':
      return '12';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    default:
      return undefined;
  }
};

/** Paths (`['reading', 'measuredAt']`) to every date-time property, a few levels deep. */
const dateTimePaths = (document: Document, schema: Schema, prefix: string[] = [], depth = 0): string[][] => {
  if (depth > 4) return [];
  const resolved = resolve(document, schema);
  if (resolved.format === 'date-time') return [prefix];
  return Object.entries(resolved.properties ?? {}).flatMap(([name, child]) =>
    dateTimePaths(document, child, [...prefix, name], depth + 1),
  );
};

const objectAt = (path: string[], value: unknown): unknown =>
  path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);

/** A value the parameter's schema refuses, when one can be named without knowing the resource. */
const invalidParameterValues = (parameter: Parameter): string[] => {
  const { schema } = parameter;
  const values: string[] = [];
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') values.push(...NON_NUMBERS);
  if (type === 'boolean') values.push('maybe', '2');
  if (schema.format === 'date-time') values.push(...IMPOSSIBLE_DATE_TIMES);
  if (schema.enum) values.push('__not_in_the_enum__');
  if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1));
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern);
    values.push(...['<script>', ' ', 'a b', '\u0001'].filter((value) => !pattern.test(value)));
  }
  return values;
};

/** A value matching the parameter's pattern, so the path routes to the operation (and names nothing). */
const plausiblePathValue = (parameter: Parameter): fc.Arbitrary<string> =>
  parameter.schema.pattern
    ? fc.stringMatching(new RegExp(parameter.schema.pattern)).map(encodeURIComponent)
    : fc.stringMatching(/^[a-z0-9]{1,20}$/);

const fillPath = (template: string, values: Record<string, string>): string =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');

const json = (value: unknown) => JSON.stringify(value);

/**
 * Requests the contract refuses for one operation: bad credentials, unknown and mistyped query values,
 * hostile path values, headers beyond their schema, and bodies that are not JSON, the wrong type,
 * mistyped, impossible dates, too deep, too large, lying about their encoding or media type, or present
 * where the operation takes none. Each request carries one defect on an otherwise plausible request.
 */
export const invalidRequests = (
  document: Document,
  operation: Operation,
  credentials: Record<string, string>,
): fc.Arbitrary<InvalidRequest> => {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const headerParameters = operation.parameters.filter((parameter) => parameter.in === 'header');
  const pathValues = fc.record(
    Object.fromEntries(pathParameters.map((parameter) => [parameter.name, plausiblePathValue(parameter)])),
  ) as fc.Arbitrary<Record<string, string>>;
  const withBodyHeaders = { ...credentials, 'content-type': 'application/json' };
  // The least a body-taking operation needs to get past routing; its fields are never all valid.
  const base = pathValues.map((values) => ({
    method: operation.method,
    path: fillPath(operation.path, values),
    headers: operation.body ? withBodyHeaders : { ...credentials },
    ...(operation.body ? { body: '{}' } : {}),
  }));
  const defect = (
    name: string,
    change: (request: Omit<InvalidRequest, 'defect'>) => Omit<InvalidRequest, 'defect'>,
  ) => base.map((request) => ({ defect: name, ...change(request) }));

  const candidates: fc.Arbitrary<InvalidRequest>[] = [
    fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,15}$/).chain((name) =>
      defect(`unknown query parameter zz${name}`, (request) => ({
        ...request,
        path: `${request.path}?zz${name}=1`,
      })),
    ),
  ];

  if (operation.authenticated) {
    const credentialDefects: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['a garbage API key', { 'x-api-key': 'epk_test_0000000000000000' }],
      ['a garbage bearer token', { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }],
      ['a malformed Authorization header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ];
    candidates.push(
      fc.constantFrom(...credentialDefects).chain(([name, headers]) =>
        defect(name, (request) => {
          const { 'x-api-key': _key, authorization: _auth, ...rest } = request.headers;
          void _key;
          void _auth;
          return { ...request, headers: { ...rest, ...headers } };
        }),
      ),
    );
  }

  const badQuery = queryParameters.flatMap((parameter) =>
    invalidParameterValues(parameter).map((value) => [parameter.name, value] as const),
  );
  if (badQuery.length > 0) {
    candidates.push(
      fc.constantFrom(...badQuery).chain(([name, value]) =>
        defect(`query ${name}=${value.slice(0, 30)}`, (request) => ({
          ...request,
          path: `${request.path}?${name}=${encodeURIComponent(value)}`,
        })),
      ),
    );
  }

  if (pathParameters.length > 0) {
    candidates.push(
      fc
        .tuple(fc.constantFrom(...pathParameters), fc.constantFrom(...HOSTILE_PATH_VALUES))
        .chain(([parameter, value]) =>
          pathValues.map((values) => ({
            defect: `path ${parameter.name}=${value.slice(0, 30)}`,
            method: operation.method,
            path: fillPath(operation.path, { ...values, [parameter.name]: value }),
            headers: operation.body ? withBodyHeaders : { ...credentials },
            ...(operation.body ? { body: '{}' } : {}),
          })),
        ),
    );
  }

  const badHeaders = headerParameters.flatMap((parameter) =>
    invalidParameterValues(parameter)
      .filter((value) => value.length > 0 && !/[^\x20-\x7e]/.test(value))
      .map((value) => [parameter.name, value] as const),
  );
  if (badHeaders.length > 0) {
    candidates.push(
      fc.constantFrom(...badHeaders).chain(([name, value]) =>
        defect(`header ${name}: ${value.slice(0, 30)}`, (request) => ({
          ...request,
          headers: { ...request.headers, [name.toLowerCase()]: value },
        })),
      ),
    );
  }

  if (operation.body) {
    const schema = operation.body;
    const properties = Object.entries(resolve(document, schema).properties ?? {})
      .map(([name, property]) => [name, wrongTypeFor(resolve(document, property))] as const)
      .filter(([, value]) => value !== undefined);
    const dates = dateTimePaths(document, schema);
    const required = resolve(document, schema).required ?? [];
    const bodies: [string, string | Uint8Array, Record<string, string>?][] = [
      ...(required.length > 0 ? [[`a body without ${required.join(', ')}`, '{}'] as [string, string]] : []),
      ['a body that is not JSON', '{"amount": 1,'],
      ['a body that is a JSON array', '[{}]'],
      ['a body that is a JSON string', '"text"'],
      ['a body that is JSON null', 'null'],
      ['a body nested 40 deep', `{"a":${'['.repeat(40)}${']'.repeat(40)}}`],
      ['a body nested 20,000 deep', '['.repeat(20_000) + ']'.repeat(20_000)],
      ['a body over the size limit', json({ padding: 'x'.repeat(70_000) })],
      ['a body claiming gzip', '{}', { 'content-encoding': 'gzip' }],
      ['a body claiming deflate', '{}', { 'content-encoding': 'deflate' }],
      ['a body claiming br', '{}', { 'content-encoding': 'br' }],
      ['a body in an unknown encoding', '{}', { 'content-encoding': 'zz-unknown' }],
      ['a body as text/plain', '{}', { 'content-type': 'text/plain' }],
      ['a body with an unsupported charset', '{}', { 'content-type': 'application/json; charset=ebcdic' }],
      ['a body that is not UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      ...properties.map(
        ([name, value]) => [`${name} of the wrong type`, json({ [name]: value })] as [string, string],
      ),
      ...dates.flatMap((path) =>
        IMPOSSIBLE_DATE_TIMES.slice(0, 4).map(
          (value) => [`${path.join('.')}=${value}`, json(objectAt(path, value))] as [string, string],
        ),
      ),
    ];
    candidates.push(
      fc
        .constantFrom(...bodies)
        .chain(([name, body, headers = {}]) =>
          defect(name, (request) => ({ ...request, body, headers: { ...request.headers, ...headers } })),
        ),
    );
  } else if (operation.method !== 'GET') {
    candidates.push(
      fc.constantFrom('{}', '{"anything": true}', '['.repeat(20_000) + ']'.repeat(20_000)).chain((body) =>
        defect('a body where the operation takes none', (request) => ({
          ...request,
          body,
          headers: { ...request.headers, 'content-type': 'application/json' },
        })),
      ),
    );
  }
  return fc.oneof(...candidates);
};
