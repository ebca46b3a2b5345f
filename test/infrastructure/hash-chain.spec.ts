import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson } from '../../src/infrastructure/event-store/hash-chain';

/**
 * The canonical form as it was first written (map, filter, join). Every stored hash commits to this form,
 * so the faster writer must give the same string for anything an event can carry.
 */
const referenceCanonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item: unknown) => (item === undefined ? 'null' : referenceCanonicalJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${referenceCanonicalJson(record[key])}`)
    .join(',')}}`;
};

describe('canonicalJson', () => {
  it('writes what the reference form writes, for any JSON-like value', () => {
    const anyKey = fc.oneof(
      fc.string(),
      fc.constantFrom('__proto__', 'toJSON', '10', '2', 'a"b', '\u2028', '\ud800'),
    );
    const leaf = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(anyKey, tie('value'), { maxKeys: 6 }),
    }));
    fc.assert(
      fc.property(value, (input) => {
        assert.equal(canonicalJson(input), referenceCanonicalJson(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units, leaves out undefined members and writes holes as null', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    assert.equal(
      canonicalJson({ b: 1, a: undefined, B: [undefined, sparse], 10: 'x', 2: 'y' }),
      '{"10":"x","2":"y","B":[null,[1,null,3]],"b":1}',
    );
  });

  it('writes long keys, which it does not remember, as the reference form does', () => {
    const long = `k${'"é\\'.repeat(40)}`;
    const event = { [long]: { [long]: 1 }, short: 2 };
    assert.equal(canonicalJson(event), referenceCanonicalJson(event));
    assert.equal(canonicalJson(event), canonicalJson(event));
  });

  it('writes the same string again once the keys are remembered', () => {
    const event = { data: { 'needs "quoting"': 1, plain: 2 } };
    assert.equal(canonicalJson(event), canonicalJson(event));
    assert.equal(canonicalJson(event), '{"data":{"needs \\"quoting\\"":1,"plain":2}}');
  });
});
