/** Field names whose values never reach a log line, matched case-insensitively. */
const SECRET_KEYS =
  /^(authorization|x-api-key|api[-_]?key|password|secret|token|access[-_]?token|refresh[-_]?token|jwt|pan|card[-_]?number|cvv|cvc|cvv2|track[-_]?[12]?|track[-_]?data|pin|pin[-_]?block|signing[-_]?secret|cookie|set-cookie)$/i;

/** 13 to 19 digits, optionally separated by spaces or dashes: the shape of a primary account number. */
const PAN_PATTERN = /\b(?:\d[ -]?){12,18}\d\b/g;
const BEARER_PATTERN = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const API_KEY_PATTERN = /\bepk_[A-Za-z0-9_]+/g;

export const REDACTED = '[REDACTED]';

export const redactString = (value: string): string =>
  value
    .replace(BEARER_PATTERN, `$1${REDACTED}`)
    .replace(API_KEY_PATTERN, REDACTED)
    .replace(PAN_PATTERN, REDACTED);

/** Deep copy with secrets and anything shaped like a card number replaced. */
export const redact = (value: unknown, depth = 0): unknown => {
  if (depth > 8) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) ? REDACTED : redact(item, depth + 1);
    }
    return out;
  }
  return value;
};
