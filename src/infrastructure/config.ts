import { z } from 'zod';

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
    AUTHORIZATION_TTL_MINUTES: positiveInt.default(7 * 24 * 60),
    RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
    IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
    IDEMPOTENCY_LOCK_SECONDS: positiveInt.default(30),
    READ_YOUR_WRITES_TIMEOUT_MS: positiveInt.default(2000),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(15000),
    EXPIRY_SWEEP_INTERVAL_MS: positiveInt.default(30000),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    METRICS_PUBLIC: booleanFlag.default(false),
  })
  .superRefine((config, ctx) => {
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

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

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
