import { createRequire } from 'node:module';

type PathToRegexp = (path: string, options?: Record<string, unknown>) => unknown;
interface PathToRegexpModule {
  pathToRegexp: PathToRegexp & { compiledOnce?: true };
}

/**
 * express-openapi-validator 5.x (`lookupRoute` in its openapi.metadata middleware) compiles every path
 * of the contract with path-to-regexp on every request, to match one. A compiled pattern depends on
 * nothing but its path and options and holds no state (no `g` flag), so this compiles each one once, in
 * the copy of path-to-regexp the validator loads. The validator's own behaviour is otherwise unchanged.
 */
export const compileOpenApiRoutesOnce = (): void => {
  const fromValidator = createRequire(require.resolve('express-openapi-validator'));
  const module = fromValidator('path-to-regexp') as PathToRegexpModule;
  const compile = module.pathToRegexp;
  if (compile.compiledOnce) return;
  const compiled = new Map<string, unknown>();
  const cached: PathToRegexpModule['pathToRegexp'] = (path, options = {}) => {
    // The validator passes exactly these two flags; anything else is compiled afresh, as before.
    if (Object.keys(options).some((name) => name !== 'sensitive' && name !== 'strict'))
      return compile(path, options);
    const key = `${String(options.sensitive)} ${String(options.strict)} ${path}`;
    let pattern = compiled.get(key);
    if (pattern === undefined) {
      pattern = compile(path, options);
      compiled.set(key, pattern);
    }
    return pattern;
  };
  cached.compiledOnce = true;
  module.pathToRegexp = cached;
};
