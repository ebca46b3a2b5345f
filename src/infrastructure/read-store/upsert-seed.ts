import type { Filter } from './read-store';
import { isPlainObject } from './document-paths';

/**
 * The equality clauses of a filter, as MongoDB uses them to seed the document an upsert inserts:
 * `{ field: value }`, `{ field: { $eq: value } }` and the same inside `$and`. Keys may be dotted paths.
 */
export const upsertSeed = (filter: Filter): Record<string, unknown> => {
  const seed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isPlainObject(clause)) Object.assign(seed, upsertSeed(clause));
    } else if (key.startsWith('$') || value instanceof RegExp) {
      continue;
    } else if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) seed[key] = value.$eq;
    } else {
      seed[key] = value;
    }
  }
  return seed;
};
