import { z } from 'zod';
import { parsePrivateKey } from '../audit/signing-key';
import { isValidTimeZone } from '../domain/tariff/local-time';
import { ConfigError } from './config-error';
import { edenredClientIssues, edenredClientVariables } from '../integrations/edenred/edenred-config';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    EDGEPAY_ENV: z.enum(['development', 'production']).default('development'),
    EDGEPAY_DATA_DIR: z.string().default('./data'),
    EVENTSTORE_URL: z
      .string()
      .regex(/^(esdb(\+discover)?:\/\/|sqlite:)/, 'must start with esdb://, esdb+discover:// or sqlite:')
      .optional(),
    MONGODB_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
      .optional(),
    MONGODB_DATABASE: z.string().default('edgepay'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'debug']).default('info'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_JWKS_URL: z.string().url().optional(),
    JWT_ISSUER: z.string().default('edgepay'),
    JWT_AUDIENCE: z.string().default('edgepay-gateway'),
    // JWT rules (docs/decisions/0011-hardening-the-edge.md).
    JWT_LEEWAY_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    JWT_MAX_LIFETIME_TERMINAL_SECONDS: positiveInt.default(24 * 3600),
    JWT_MAX_LIFETIME_OPERATOR_SECONDS: positiveInt.default(3600),
    AUTHORIZATION_TTL_MINUTES: positiveInt.default(7 * 24 * 60),
    RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
    AUTH_FAILURES_PER_MINUTE: positiveInt.default(30),
    IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
    IDEMPOTENCY_LOCK_SECONDS: positiveInt.default(30),
    IDEMPOTENCY_PURGE_INTERVAL_MS: positiveInt.default(3_600_000),
    READ_YOUR_WRITES_TIMEOUT_MS: positiveInt.default(2000),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(15000),
    EXPIRY_SWEEP_INTERVAL_MS: positiveInt.default(30000),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    METRICS_PUBLIC: booleanFlag.default(false),
    // Charges and tariffs (docs/decisions/0010-charges-and-tariffs.md).
    CPMS_ADAPTER: z.enum(['simulator']).default('simulator'),
    CPMS_SIMULATOR_URL: z.url().optional(),
    CPMS_SIMULATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    CPMS_TIMEOUT_MS: positiveInt.default(5000),
    CPMS_POLL_INTERVAL_MS: positiveInt.default(2000),
    // Charging infrastructure (docs/decisions/0027-charging-infrastructure.md): how often the worker checks
    // whether an adapter's own pollIntervalMs has come due.
    CPMS_CONNECTOR_POLL_TICK_MS: positiveInt.default(1000),
    CHARGE_START_TIMEOUT_SECONDS: positiveInt.default(120),
    // How long a failed charge whose session the CPMS may still start is polled (decision 0027, Part D).
    CHARGE_LATE_START_WATCH_SECONDS: positiveInt.default(600),
    CHARGE_STOP_MARGIN_MINOR: z.coerce.number().int().min(0).default(500),
    CHARGE_STOP_MARGIN_PERCENT: z.coerce.number().min(0).max(100).default(0),
    CHARGE_SWEEP_INTERVAL_MS: positiveInt.default(1000),
    VAT_RATE_PERCENT: z.coerce.number().min(0).max(100).default(20),
    TARIFF_TIME_ZONE: z
      .string()
      .refine(isValidTimeZone, 'must be an IANA time zone')
      .default('Europe/Istanbul'),
    // Terminals and attestation (docs/decisions/0009-terminals-and-attestation.md).
    TERMINAL_OFFLINE_AFTER_SECONDS: positiveInt.default(300),
    TERMINAL_OFFLINE_SWEEP_INTERVAL_MS: positiveInt.default(15_000),
    ATTESTATION_CHALLENGE_TTL_SECONDS: positiveInt.max(3600).default(300),
    ATTESTATION_VERDICT_TTL_MINUTES: positiveInt.default(60),
    ATTESTATION_TRUSTED_ROOTS_FILE: z.string().optional(),
    ATTESTATION_REVOCATION_FILE: z.string().optional(),
    // Webhooks (docs/decisions/0008-webhooks.md).
    WEBHOOK_SECRET_ENCRYPTION_KEY: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64 encoded')
      .optional(),
    WEBHOOK_ALLOW_PRIVATE_URLS: booleanFlag.default(false),
    WEBHOOK_TIMEOUT_MS: positiveInt.default(15_000),
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().positive().default(120),
    WEBHOOK_RETRY_SCHEDULE_MS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
      .transform((value) => value.split(',').map(Number))
      .optional(),
    WEBHOOK_SECRET_GRACE_HOURS: z.coerce.number().min(0).max(720).default(24),
    WEBHOOK_DELIVERY_CONCURRENCY: positiveInt.default(10),
    WEBHOOK_RECONCILE_INTERVAL_MS: positiveInt.default(60_000),
    WEBHOOK_RECONCILE_GRACE_MS: positiveInt.default(300_000),
    WEBHOOK_DISPATCHER: booleanFlag.default(true),
    // Audit (docs/decisions/0021-audit-hash-chain.md): Ed25519 PKCS8, PEM or base64 DER.
    AUDIT_SIGNING_KEY: z
      .string()
      .refine((value) => {
        try {
          parsePrivateKey(value);
          return true;
        } catch {
          return false;
        }
      }, 'must be an Ed25519 private key, PKCS8 as PEM or base64 DER')
      .optional(),
    AUDIT_CHECKPOINT_INTERVAL_MS: positiveInt.default(3_600_000),
    // Edenred payment flow (docs/decisions/0030-edenred-payment-flow.md); the client's own EDENRED_*
    // settings (URLs, client ids, mid, ...) are validated in src/integrations/edenred/edenred-config.ts.
    EDENRED_TOKEN_ENCRYPTION_KEY: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64 encoded')
      .optional(),
    /** Our callback as Edenred redirects to it; default http://HOST:PORT/v1/edenred/callback. */
    EDENRED_CALLBACK_URL: z.url().optional(),
    EDENRED_LOGOUT_REDIRECT_URL: z.url().optional(),
    EDENRED_REFRESH_MARGIN_SECONDS: positiveInt.default(120),
    EDENRED_ORDER_REF_START: z.coerce.number().int().min(1).max(2_147_483_646).default(1),
    EDENRED_CAPTURE_SWEEP_INTERVAL_MS: positiveInt.default(30_000),
    /** A capture still pending this long is handed to an operator (an event, a webhook, a metric). */
    EDENRED_CAPTURE_ATTENTION_AFTER_MINUTES: positiveInt.default(60),
    /** With no EDENRED_AUTH_URL outside production: run the Edenred simulator in this process. */
    EDENRED_SIMULATOR: booleanFlag.default(true),
    // The client's settings, all or none (validated below, by edenred-config.ts).
    ...edenredClientVariables,
    // OCPI roaming (docs/decisions/0031-ocpi-surface.md, 0032-ocpi-parties-and-credentials.md).
    OCPI_PUBLIC_URL: z.url().optional(),
    OCPI_COUNTRY_CODE: z
      .string()
      .regex(/^[A-Z]{2}$/, 'two capital letters')
      .default('TR'),
    OCPI_PARTY_ID: z
      .string()
      .regex(/^[A-Z0-9]{3}$/, 'three capital letters or digits')
      .default('EDG'),
    OCPI_BUSINESS_NAME: z.string().min(1).max(100).default('EdgePay'),
    OCPI_TIMEOUT_MS: positiveInt.default(10_000),
    OCPI_RETRY_ATTEMPTS: positiveInt.max(10).default(3),
    OCPI_RETRY_BACKOFF_MS: positiveInt.default(500),
    OCPI_PAGE_LIMIT: positiveInt.max(1000).default(100),
    /** Job attempts of one Financial Advice Confirmation push before the sweep takes it over. */
    OCPI_FAC_ATTEMPTS: positiveInt.max(20).default(8),
    OCPI_FAC_SWEEP_INTERVAL_MS: positiveInt.default(60_000),
    /** Peers' URLs at private or loopback addresses; unset: allowed in development only. */
    OCPI_ALLOW_PRIVATE_URLS: booleanFlag.optional(),
  })
  .superRefine((config, ctx) => {
    for (const issue of edenredClientIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    if (config.EDGEPAY_ENV === 'production' && config.WEBHOOK_ALLOW_PRIVATE_URLS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_ALLOW_PRIVATE_URLS'],
        message: 'webhooks to private addresses are for development only',
      });
    }
    if (config.EDGEPAY_ENV === 'production' && config.OCPI_ALLOW_PRIVATE_URLS) {
      ctx.addIssue({
        code: 'custom',
        path: ['OCPI_ALLOW_PRIVATE_URLS'],
        message: 'private OCPI peer URLs are refused in production',
      });
    }
    if (config.EDGEPAY_ENV === 'production' && !config.WEBHOOK_SECRET_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET_ENCRYPTION_KEY'],
        message: 'required in production (32 random bytes, base64): it encrypts webhook signing secrets',
      });
    }
    if (config.EDGEPAY_ENV === 'production' && !config.AUDIT_SIGNING_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SIGNING_KEY'],
        message: 'required in production (Ed25519, PKCS8): it signs the audit checkpoints',
      });
    }
    if (
      config.EDGEPAY_ENV === 'production' &&
      config.JWT_SECRET &&
      !config.JWT_PUBLIC_KEY &&
      !config.JWT_JWKS_URL
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'HS256 secrets are for development; set JWT_PUBLIC_KEY or JWT_JWKS_URL in production',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export { ConfigError };

/** An empty variable (`JWT_JWKS_URL=` in a compose file) means unset, not an invalid value. */
const withoutEmpty = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = configSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
};
