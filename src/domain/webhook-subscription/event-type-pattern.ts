/**
 * What a subscription asks for: an exact public event type (`payment_intent.captured`), every type of a
 * resource (`payment_intent.*`), or everything (`*`).
 */
const PATTERN = /^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$/;

export const isEventTypePattern = (value: string): boolean => PATTERN.test(value);

export const matchesEventType = (pattern: string, eventType: string): boolean => {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return eventType.startsWith(pattern.slice(0, -1));
  return pattern === eventType;
};

export const matchesAny = (patterns: readonly string[], eventType: string): boolean =>
  patterns.some((pattern) => matchesEventType(pattern, eventType));
