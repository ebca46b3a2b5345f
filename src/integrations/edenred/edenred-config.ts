import { z } from 'zod';
import { ConfigError } from '../../infrastructure/config-error';

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

type EdenredClientVariable = keyof typeof edenredConfigSchema.shape;
const CLIENT_VARIABLES = Object.keys(edenredConfigSchema.shape) as EdenredClientVariable[];

/**
 * The client's variables as the gateway's configuration holds them: raw, optional, validated all together
 * by `edenredClientIssues` (the flow's own EDENRED_* settings live in src/infrastructure/config.ts).
 */
export const edenredClientVariables = Object.fromEntries(
  CLIENT_VARIABLES.map((name) => [name, z.string().optional()]),
) as Record<EdenredClientVariable, z.ZodOptional<z.ZodString>>;

const givenClientVariables = (values: Record<string, unknown>) =>
  Object.fromEntries(
    CLIENT_VARIABLES.flatMap((name) => {
      const value = values[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );

const parseGiven = (values: Record<string, unknown>) => {
  const given = givenClientVariables(values);
  return Object.keys(given).length === 0 ? undefined : edenredConfigSchema.safeParse(given);
};

/** Why the client's settings are unusable (a half-configured Edenred included); names, never values. */
export const edenredClientIssues = (
  values: Record<string, unknown>,
): { path: (string | number)[]; message: string }[] => {
  const parsed = parseGiven(values);
  if (!parsed || parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
    message: issue.code === 'invalid_type' ? 'required when Edenred is configured' : issue.message,
  }));
};

/**
 * The client's settings, validated; `undefined` when none is set (the gateway then runs the simulator,
 * or Edenred is off). An error names the variables and the rule, never a value.
 */
export const loadEdenredConfig = (env: Record<string, unknown> = process.env): EdenredConfig | undefined => {
  const parsed = parseGiven(env);
  if (!parsed) return undefined;
  if (!parsed.success) {
    const lines = edenredClientIssues(env).map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid Edenred configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
};

/** The configuration as it may be logged: secrets replaced by whether they are set. */
export const edenredConfigSummary = (config: EdenredConfig): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(config).map(([name, value]) => [name, SECRET_NAMES.has(name) ? '[set]' : value]),
  );
