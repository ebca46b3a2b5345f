import type { ExpectedRevision, NewEvent } from './event-store';

/** Shared by every adapter so that they refuse the same malformed appends the same way. */
export const assertAppendable = (events: readonly NewEvent[], expectedRevision: ExpectedRevision): void => {
  if (events.length === 0) throw new TypeError('an append needs at least one event');
  if (
    expectedRevision !== 'no_stream' &&
    !(Number.isSafeInteger(expectedRevision) && expectedRevision >= 0)
  ) {
    throw new TypeError(
      `expected revision must be 'no_stream' or a revision >= 0, got ${String(expectedRevision)}`,
    );
  }
};
