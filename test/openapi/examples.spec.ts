import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { OPENAPI_SPEC } from '../../src/http/app';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const DOCUMENT_ID = 'https://edgepay.example/openapi/edgepay.yaml';

/** A JSON pointer into the document, escaped as RFC 6901 says. */
const pointer = (...tokens: string[]) =>
  `#/${tokens.map((token) => token.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

interface MediaExample {
  where: string;
  /** Where the media type object sits, so its schema is reached by reference (and its $refs resolve). */
  schemaRef: string;
  value: unknown;
}

const documentText = readFileSync(OPENAPI_SPEC, 'utf8');
const document = parse(documentText) as any;

const resolve = (node: any): { node: any; at: string[] } => {
  let at: string[] = [];
  while (node?.$ref) {
    at = (node.$ref as string).replace(/^#\//, '').split('/');
    node = at.reduce((parent, token) => parent?.[token], document);
  }
  return { node, at };
};

/** Every example of a media type object, with where it sits. */
const examplesOf = (media: any, at: string[], where: string): MediaExample[] => {
  const schemaRef = `${DOCUMENT_ID}${pointer(...at, 'schema')}`;
  const named = Object.entries((media.examples ?? {}) as Record<string, any>).map(([name, example]) => ({
    where: `${where} (${name})`,
    schemaRef,
    value: resolve(example).node.value,
  }));
  return [...('example' in media ? [{ where, schemaRef, value: media.example }] : []), ...named];
};

interface OperationExamples {
  name: string;
  requests: MediaExample[];
  /** Media types of a request body that have no example. */
  requestsWithout: string[];
  successes: MediaExample[];
  successesWithout: string[];
  all: MediaExample[];
}

const operations: OperationExamples[] = Object.entries(document.paths as Record<string, any>).flatMap(
  ([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method];
      const name = `${method.toUpperCase()} ${path} (${operation.operationId})`;
      const result: OperationExamples = {
        name,
        requests: [],
        requestsWithout: [],
        successes: [],
        successesWithout: [],
        all: [],
      };
      const body = resolve(operation.requestBody);
      const bodyAt = body.at.length ? body.at : ['paths', path, method, 'requestBody'];
      for (const [type, media] of Object.entries((body.node?.content ?? {}) as Record<string, any>)) {
        const found = examplesOf(media, [...bodyAt, 'content', type], `${name} request ${type}`);
        result.requests.push(...found);
        if (found.length === 0) result.requestsWithout.push(type);
      }
      for (const [status, declared] of Object.entries((operation.responses ?? {}) as Record<string, any>)) {
        const response = resolve(declared);
        const responseAt = response.at.length ? response.at : ['paths', path, method, 'responses', status];
        for (const [type, media] of Object.entries((response.node?.content ?? {}) as Record<string, any>)) {
          const found = examplesOf(media, [...responseAt, 'content', type], `${name} ${status} ${type}`);
          result.all.push(...found);
          if (!status.startsWith('2')) continue;
          result.successes.push(...found);
          if (found.length === 0) result.successesWithout.push(`${status} ${type}`);
        }
      }
      result.all.push(...result.requests);
      return result;
    }),
);

describe('openapi/edgepay.yaml examples', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });

  it('the document has operations to check', () => {
    assert.ok(operations.length >= 40, `only ${operations.length} operations`);
  });

  for (const operation of operations) {
    describe(operation.name, () => {
      it('has a request example for each request body and an example for each success answer', () => {
        assert.deepEqual(operation.requestsWithout, [], 'request media types without an example');
        assert.deepEqual(operation.successesWithout, [], 'success answers without an example');
      });

      it('has examples that are valid against their schemas', () => {
        for (const example of operation.all) {
          const validate = ajv.getSchema(example.schemaRef) ?? ajv.compile({ $ref: example.schemaRef });
          const valid = validate(example.value);
          assert.ok(valid, `${example.where}: ${ajv.errorsText(validate.errors)}`);
        }
      });
    });
  }
});
