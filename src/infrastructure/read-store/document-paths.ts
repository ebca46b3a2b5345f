/** Small helpers over plain documents shared by the in-memory read store's parts. */

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

/** The value at a dotted path (`a.b.c`), or undefined when any step is missing or not an object. */
export const valueAtPath = (doc: Record<string, unknown>, path: string): unknown => {
  let current: unknown = doc;
  for (const key of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
};
