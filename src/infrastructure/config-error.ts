/** A setting is missing or invalid: the process must not start. Names variables, never their values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
