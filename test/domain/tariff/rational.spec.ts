import assert from 'node:assert/strict';
import {
  add,
  ceilToMultiple,
  decimal,
  div,
  eq,
  floor,
  int,
  mul,
  ratio,
  roundHalfUp,
  sub,
} from '../../../src/domain/tariff/rational';

describe('rational arithmetic', () => {
  it('reads decimals as written, not as their binary approximation', () => {
    assert.ok(eq(add(decimal(0.1), decimal(0.2)), decimal('0.3')));
    assert.ok(eq(decimal(7.4321), ratio(74321n, 10000n)));
    assert.ok(eq(decimal('1e-4'), ratio(1n, 10000n)));
    assert.ok(eq(decimal(2e21), mul(int(2), ratio(10n ** 21n))));
    assert.throws(() => decimal('1,5'), RangeError);
  });

  it('keeps fractions reduced with a positive denominator', () => {
    assert.deepEqual(ratio(6n, -4n), { n: -3n, d: 2n });
    assert.throws(() => ratio(1n, 0n), RangeError);
  });

  it('rounds half away from zero, and only there', () => {
    assert.deepEqual(
      [ratio(1n, 2n), ratio(5n, 2n), ratio(249n, 100n), ratio(-1n, 2n), ratio(-3n, 2n)].map(roundHalfUp),
      [1n, 3n, 2n, -1n, -2n],
    );
  });

  it('floors towards minus infinity and steps up to multiples', () => {
    assert.deepEqual([floor(ratio(7n, 2n)), floor(ratio(-7n, 2n))], [3n, -4n]);
    assert.ok(eq(ceilToMultiple(decimal(115.2), 1n), int(116)));
    assert.ok(eq(ceilToMultiple(decimal(115.2), 25n), int(125)));
    assert.ok(eq(ceilToMultiple(int(500), 500n), int(500)));
    assert.ok(eq(sub(div(int(1), int(3)), mul(int(1), ratio(1n, 3n))), int(0)));
  });
});
