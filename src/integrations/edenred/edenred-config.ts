import { z } from 'zod';
import { ConfigError } from '../../infrastructure/config';

/** A field of `extra_field` (`BatchNo|ServiceId|TerminalNo|TransactionSource|Hash`): never empty, never a `|`. */
const extraFieldPart = z
  .string()
  .min(1)
  .refine((value) => !value.includes('|'), 'must not contain "|" (it separates the fields of extra_field)');
const secret = z.string().min(8, 'must be at least 8 characters');
const milliseconds = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** The `EDENRED_*` variables: Edenred's SSO and Direct Payment API, the merchant's set-up (decision 0029). */
export const edenredConfigSchema = z.object({
  EDENRED_AUTH_URL: z.url(),
  EDENRED_API_URL: z.url(),
  /** The SSO client (authorization code, refresh, end session). */
  EDENRED_CLIENT_ID: z.string().min(1),
  EDENRED_CLIENT_SECRET: secret,
  /** The Direct Payment client (`X-Client-Id` / `X-Client-Secret`). */
  EDENRED_PAYMENT_CLIENT_ID: z.string().min(1),
  EDENRED_PAYMENT_CLIENT_SECRET: secret,
  EDENRED_MID: z.string().regex(/^\d+$/, 'must be digits (the merchant id Edenred gave)'),
  EDENRED_BATCH_NO: extraFieldPart,
  EDENRED_SERVICE_ID: extraFieldPart,
  EDENRED_TERMINAL_NO: extraFieldPart,
  EDENRED_TRANSACTION_SOURCE: extraFieldPart,
  /** The merchant secret of the default extra_field hash (HMAC-SHA256). */
  EDENRED_HASH_SECRET: secret,
  EDENRED_REDIRECT_URI: z.url(),
  EDENRED_POST_LOGOUT_REDIRECT_URI: z.url(),
  EDENRED_SCOPES: z.string().min(1).default('openid offline_access'),
  /** The id_token claim that holds the Direct Payment `{username}`. */
  EDENRED_USERNAME_CLAIM: z.string().min(1).default('sub'),
  EDENRED_TIMEOUT_MS: milliseconds.default(10_000),
  EDENRED_TRANSACTION_TIMEOUT_MS: milliseconds.default(30_000),
  /** Extra attempts of safe calls (GETs, estimate) after a retry_later failure; never of a payment. */
  EDENRED_RETRY_ATTEMPTS: z.coerce.number().int().min(0).max(5).default(2),
  EDENRED_RETRY_BASE_MS: milliseconds.default(200),
  /**
   * `GET /v2/transactions?order_ref=` exists on our simulator, not in Edenred's guide: off until Edenred
   * confirms it; without it findTransaction answers "ambiguous" (decision 0029).
   */
  EDENRED_TRANSACTION_LOOKUP: flag.default(false),
});

export type EdenredConfig = z.infer<typeof edenredConfigSchema>;

const SECRET_NAMES = new Set([
  'EDENRED_CLIENT_SECRET',
  'EDENRED_PAYMENT_CLIENT_SECRET',
  'EDENRED_HASH_SECRET',
]);

/**
 * The `EDENRED_*` variables, validated; `undefined` when none is set (Edenred is off). An error names the
 * variables and the rule, never a value.
 */
export const loadEdenredConfig = (env: NodeJS.ProcessEnv = process.env): EdenredConfig | undefined => {
  const given = Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => name.startsWith('EDENRED_') && value !== undefined && value !== '',
    ),
  );
  if (Object.keys(given).length === 0) return undefined;
  const parsed = edenredConfigSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid Edenred configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
};

/** The configuration as it may be logged: secrets replaced by whether they are set. */
export const edenredConfigSummary = (config: EdenredConfig): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(config).map(([name, value]) => [name, SECRET_NAMES.has(name) ? '[set]' : value]),
  );
