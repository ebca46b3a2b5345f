import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { isOcpiDateTime } from '../transport/ocpi-time';

export type OcpiVersion = '2.2.1' | '2.3.0';
export const OCPI_VERSIONS: readonly OcpiVersion[] = ['2.2.1', '2.3.0'];

/** A module's interface file, named as in the description: `credentials/interface`, `locations/receiver-interface`. */
export type InterfaceFile = `${string}/${'interface' | 'sender-interface' | 'receiver-interface'}`;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OcpiOperation {
  version: OcpiVersion;
  file: InterfaceFile;
  method: HttpMethod;
  /** The description's path template, relative to the module's endpoint: `/locations/{country_code}/...`. */
  template: string;
  operationId: string;
  pathParams: Record<string, string>;
}

export interface Violation {
  where: string;
  message: string;
}

export interface OcpiRequestParts {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body?: unknown;
}

interface Parameter {
  name: string;
  in: 'header' | 'path' | 'query';
  required: boolean;
  validate: ValidateFunction;
}

interface CompiledOperation {
  operationId: string;
  template: string;
  matcher: RegExp;
  paramNames: string[];
  parameters: Parameter[];
  requestBody?: { required: boolean; validate: ValidateFunction };
  responses: Map<string, ValidateFunction | null>;
}

const BASE = 'https://ocpi.description.invalid/';
const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * `open-enum` is the description's own marker for "these values, or others" (custom module ids, new
 * roles): Ajv would hold the listed values as closed, so the in-memory copy drops `enum` there. The
 * files themselves stay byte for byte as published.
 */
const openEnumsOpened = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(openEnumsOpened);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>)
    .filter(([key]) => !(key === 'enum' && (node as { format?: unknown }).format === 'open-enum'))
    .map(([key, value]) => [key, openEnumsOpened(value)]);
  return Object.fromEntries(entries);
};

const yamlFilesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFilesUnder(full);
    return name.endsWith('.yaml') ? [full] : [];
  });

const newAjv = (coerceTypes: boolean) => {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
    coerceTypes,
  });
  addFormats(ajv, ['uri', 'uuid']);
  ajv.addFormat('date-time', { type: 'string', validate: isOcpiDateTime });
  // Markers of the description, not constraints: the `enum` keyword beside them does the checking.
  ajv.addFormat('enum', true);
  ajv.addFormat('open-enum', true);
  return ajv;
};

/**
 * The official OCPI OpenAPI description (unaltered YAML files), compiled once: every operation of every
 * interface file, its parameters, request body and responses, checked by Ajv (JSON Schema 2020-12,
 * which OpenAPI 3.1 uses). The same code checks what the gateway receives and answers at run time
 * (against openapi/ocpi/) and, in the tests, every exchange (against test/fixtures/ocpi-openapi/).
 */
export class OcpiDescription {
  private readonly documents = new Map<string, unknown>();
  private readonly bodies = newAjv(false);
  private readonly parameters = newAjv(true);
  private readonly operations = new Map<string, CompiledOperation[]>();

  constructor(rootDir: string) {
    for (const file of yamlFilesUnder(rootDir)) {
      const id = BASE + path.relative(rootDir, file).split(path.sep).join('/');
      const document = openEnumsOpened(parseYaml(readFileSync(file, 'utf8')));
      this.documents.set(id, document);
      this.bodies.addSchema(document as object, id);
      this.parameters.addSchema(document as object, id);
    }
  }

  /** The operation a request addresses, or undefined when the interface has no such path and method. */
  find(
    version: OcpiVersion,
    file: InterfaceFile,
    method: string,
    relativePath: string,
  ): OcpiOperation | undefined {
    const lower = method.toLowerCase() as HttpMethod;
    for (const compiled of this.compiledOf(version, file, lower)) {
      const match = compiled.matcher.exec(relativePath);
      if (!match) continue;
      const pathParams = Object.fromEntries(
        compiled.paramNames.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
      );
      return {
        version,
        file,
        method: lower,
        template: compiled.template,
        operationId: compiled.operationId,
        pathParams,
      };
    }
    return undefined;
  }

  /** The interface has this path with another method: a 405, not a 404. */
  hasPath(version: OcpiVersion, file: InterfaceFile, relativePath: string): boolean {
    return METHODS.some((method) => this.find(version, file, method, relativePath) !== undefined);
  }

  validateRequest(operation: OcpiOperation, request: OcpiRequestParts): Violation[] {
    const compiled = this.compiled(operation);
    const violations: Violation[] = [];
    for (const parameter of compiled.parameters) {
      const source =
        parameter.in === 'header'
          ? request.headers[parameter.name.toLowerCase()]
          : parameter.in === 'query'
            ? request.query[parameter.name]
            : operation.pathParams[parameter.name];
      if (source === undefined) {
        if (parameter.required)
          violations.push({ where: `${parameter.in} ${parameter.name}`, message: 'is required' });
        continue;
      }
      if (!parameter.validate(source)) {
        violations.push(...errorsOf(parameter.validate, `${parameter.in} ${parameter.name}`));
      }
    }
    if (compiled.requestBody) {
      if (request.body === undefined) {
        if (compiled.requestBody.required) violations.push({ where: 'body', message: 'is required' });
      } else if (!compiled.requestBody.validate(request.body)) {
        violations.push(...errorsOf(compiled.requestBody.validate, 'body'));
      }
    }
    return violations;
  }

  validateResponse(operation: OcpiOperation, status: number, body: unknown): Violation[] {
    const { responses } = this.compiled(operation);
    const key = responses.has(String(status))
      ? String(status)
      : responses.has('default')
        ? 'default'
        : undefined;
    if (key === undefined) {
      return [{ where: 'status', message: `${status} is not a response of ${operation.operationId}` }];
    }
    const validate = responses.get(key);
    if (!validate) {
      return body === undefined || body === '' ? [] : [{ where: 'body', message: 'no content is described' }];
    }
    return validate(body) ? [] : errorsOf(validate, `response ${status}`);
  }

  private compiled(operation: OcpiOperation): CompiledOperation {
    const found = this.compiledOf(operation.version, operation.file, operation.method).find(
      (candidate) => candidate.template === operation.template,
    );
    if (!found)
      throw new Error(`no operation ${operation.method} ${operation.template} in ${operation.file}`);
    return found;
  }

  private compiledOf(version: OcpiVersion, file: InterfaceFile, method: HttpMethod): CompiledOperation[] {
    const key = `${version} ${file} ${method}`;
    let compiled = this.operations.get(key);
    if (!compiled) {
      compiled = this.compileOperations(version, file, method);
      this.operations.set(key, compiled);
    }
    return compiled;
  }

  private compileOperations(
    version: OcpiVersion,
    file: InterfaceFile,
    method: HttpMethod,
  ): CompiledOperation[] {
    const fileId = `${BASE}${version}/modules/${file}.yaml`;
    const document = this.documents.get(fileId) as
      { paths?: Record<string, Record<string, unknown>> } | undefined;
    if (!document) throw new Error(`the OCPI description has no ${version}/modules/${file}.yaml`);
    const compiled: CompiledOperation[] = [];
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      const operation = item[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      const pointer = `#/paths/${escapePointer(template)}/${method}`;
      const paramNames = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
      const pattern = template
        .split(/\{[^}]+\}/)
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('([^/]+)');
      compiled.push({
        operationId: String(operation.operationId),
        template,
        matcher: new RegExp(`^${pattern}/?$`),
        paramNames,
        parameters: this.compileParameters(fileId, pointer, operation),
        ...this.compileRequestBody(fileId, pointer, operation),
        responses: this.compileResponses(fileId, pointer, operation),
      });
    }
    // Literal segments before parameters: `/payments/terminals/activate` before `/payments/terminals/{id}`.
    return compiled.sort((a, b) => a.paramNames.length - b.paramNames.length);
  }

  private compileParameters(
    fileId: string,
    pointer: string,
    operation: Record<string, unknown>,
  ): Parameter[] {
    const list = (operation.parameters as unknown[] | undefined) ?? [];
    return list.map((entry, index) => {
      const resolved = this.resolve(fileId, `${pointer}/parameters/${index}`, entry);
      const parameter = resolved.value as { name: string; in: Parameter['in']; required?: boolean };
      return {
        name: parameter.name,
        in: parameter.in,
        required: parameter.required === true || parameter.in === 'path',
        validate: this.parameters.compile({ $ref: `${resolved.fileId}${resolved.pointer}/schema` }),
      };
    });
  }

  private compileRequestBody(fileId: string, pointer: string, operation: Record<string, unknown>) {
    if (!operation.requestBody) return {};
    const resolved = this.resolve(fileId, `${pointer}/requestBody`, operation.requestBody);
    const body = resolved.value as { required?: boolean };
    return {
      requestBody: {
        required: body.required === true,
        validate: this.bodies.compile({
          $ref: `${resolved.fileId}${resolved.pointer}/content/application~1json/schema`,
        }),
      },
    };
  }

  private compileResponses(fileId: string, pointer: string, operation: Record<string, unknown>) {
    const responses = new Map<string, ValidateFunction | null>();
    for (const [status, entry] of Object.entries((operation.responses as Record<string, unknown>) ?? {})) {
      const resolved = this.resolve(fileId, `${pointer}/responses/${status}`, entry);
      const content = (resolved.value as { content?: Record<string, { schema?: unknown }> }).content;
      responses.set(
        status,
        content?.['application/json']?.schema
          ? this.bodies.compile({
              $ref: `${resolved.fileId}${resolved.pointer}/content/application~1json/schema`,
            })
          : null,
      );
    }
    return responses;
  }

  /** Follows a `$ref` to a parameter, request body or response object (Ajv resolves schemas itself). */
  private resolve(
    fileId: string,
    pointer: string,
    value: unknown,
  ): { fileId: string; pointer: string; value: unknown } {
    const ref = (value as { $ref?: string } | null)?.$ref;
    if (!ref) return { fileId, pointer, value };
    const [relative, fragment = ''] = ref.split('#');
    const targetId = relative ? new URL(relative, fileId).href : fileId;
    const document = this.documents.get(targetId);
    if (!document) throw new Error(`unresolved reference ${ref} in ${fileId}`);
    const target = fragment
      .split('/')
      .slice(1)
      .reduce<unknown>(
        (node, segment) =>
          (node as Record<string, unknown>)?.[segment.replaceAll('~1', '/').replaceAll('~0', '~')],
        document,
      );
    return this.resolve(targetId, `#${fragment}`, target);
  }
}

const errorsOf = (validate: ValidateFunction, where: string): Violation[] =>
  (validate.errors ?? []).slice(0, 5).map((error) => ({
    where: `${where}${error.instancePath}`,
    message: error.message ?? 'is invalid',
  }));
