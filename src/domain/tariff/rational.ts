/**
 * Exact rational numbers over BigInt. Tariff prices are decimals and energy is split across time
 * boundaries in proportion to time, so floating point would drift; this keeps every intermediate exact
 * and leaves rounding to one explicit step at the end (see docs/decisions/0010-charges-and-tariffs.md).
 */
export interface Rational {
  readonly n: bigint;
  /** Always positive; the fraction is always reduced. */
  readonly d: bigint;
}

const abs = (value: bigint): bigint => (value < 0n ? -value : value);

const gcd = (a: bigint, b: bigint): bigint => {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

export const ratio = (n: bigint, d: bigint = 1n): Rational => {
  if (d === 0n) throw new RangeError('division by zero');
  const sign = d < 0n ? -1n : 1n;
  const divisor = gcd(n, d) || 1n;
  return { n: (sign * n) / divisor, d: (sign * d) / divisor };
};

export const ZERO = ratio(0n);
export const ONE = ratio(1n);

export const int = (value: number | bigint): Rational => {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new RangeError(`${value} is not an integer`);
  return ratio(BigInt(value));
};

/** The exact value of a decimal as written (`0.25`, `"7.4321"`, `1e-4`), not of its binary approximation. */
export const decimal = (value: number | string): Rational => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^([+-]?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) throw new RangeError(`${text} is not a decimal number`);
  const [, sign = '', whole = '0', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(`${sign}${whole}${fraction}`);
  return exponent >= 0 ? ratio(digits * 10n ** BigInt(exponent)) : ratio(digits, 10n ** BigInt(-exponent));
};

export const add = (a: Rational, b: Rational): Rational => ratio(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => ratio(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => ratio(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => ratio(a.n * b.d, a.d * b.n);
export const sum = (values: readonly Rational[]): Rational => values.reduce(add, ZERO);

export const compare = (a: Rational, b: Rational): -1 | 0 | 1 => {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
};
export const lt = (a: Rational, b: Rational): boolean => compare(a, b) < 0;
export const lte = (a: Rational, b: Rational): boolean => compare(a, b) <= 0;
export const eq = (a: Rational, b: Rational): boolean => compare(a, b) === 0;
export const min = (a: Rational, b: Rational): Rational => (lte(a, b) ? a : b);
export const max = (a: Rational, b: Rational): Rational => (lte(a, b) ? b : a);
export const isZero = (a: Rational): boolean => a.n === 0n;

/** Largest integer not above the value. */
export const floor = (a: Rational): bigint => {
  const quotient = a.n / a.d;
  return a.n < 0n && quotient * a.d !== a.n ? quotient - 1n : quotient;
};

export const ceil = (a: Rational): bigint => -floor(ratio(-a.n, a.d));

/** The smallest multiple of `step` (a positive integer) that is not below the value. */
export const ceilToMultiple = (a: Rational, step: bigint): Rational =>
  ratio(ceil(div(a, ratio(step))) * step);

/** Half away from zero: 0.5 -> 1, 2.5 -> 3, -0.5 -> -1. The only rounding the pricing uses. */
export const roundHalfUp = (a: Rational): bigint => {
  const doubled = ratio(2n * abs(a.n) + a.d, 2n * a.d);
  const magnitude = floor(doubled);
  return a.n < 0n ? -magnitude : magnitude;
};

/** For display and logs only: never feed the result back into a calculation. */
export const toNumber = (a: Rational): number => Number(a.n) / Number(a.d);
