import path from 'node:path';

/**
 * One of express-openapi-validator's own modules (`middlewares/openapi.metadata.js`), the instance the
 * package itself uses: the gateway builds and patches its middleware from these (decisions 0025, 0037, 0043).
 */
export const validatorModule = <M>(file: string): M => {
  const directory = path.dirname(require.resolve('express-openapi-validator'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the validator's own module instances
  return require(path.join(directory, file)) as M;
};
