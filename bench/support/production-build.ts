import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SOURCE = path.join(ROOT, 'src');
const BUILD = path.join(ROOT, 'dist');
/** `BENCH_GATEWAY_CODE=src` measures the source under tsx instead, to compare the two. */
const fromSource = process.env.BENCH_GATEWAY_CODE === 'src';
/** tsc rewrites every output on each build, so one of them dates the whole build. */
const BUILD_MARKER = path.join(BUILD, 'runtime', 'gateway.js');

const newestChange = (directory: string): number => {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const file = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(file) : statSync(file).mtimeMs);
  }
  return newest;
};

const builtAt = (): number => {
  try {
    return statSync(BUILD_MARKER).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * The gateway is measured as `npm start` runs it: tsc's output in dist/ under plain node. Run from source
 * under tsx, every closure the code creates per request also gets a name defined on it (esbuild's keepNames),
 * which production never pays. Builds when src/ changed since the last build.
 */
export const ensureProductionBuild = (): void => {
  if (fromSource || builtAt() > newestChange(SOURCE)) return;
  // As `npm run build` does: a module deleted from src/ must not survive in dist/.
  rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
};

/** A module of the production build, by its path under src/ (`runtime/gateway`), typed as its source. */
export const fromProductionBuild = <Module>(modulePath: string): Module =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module, chosen at run time
  require(path.join(fromSource ? SOURCE : BUILD, modulePath)) as Module;

/** What a benchmark needs to start the gateway and issue it a key, from the production build. */
export const gatewayFromProductionBuild = () => ({
  ...fromProductionBuild<typeof import('../../src/commands/api-keys/api-key.service')>(
    'commands/api-keys/api-key.service',
  ),
  ...fromProductionBuild<typeof import('../../src/commands/command-context')>('commands/command-context'),
  ...fromProductionBuild<typeof import('../../src/infrastructure/clock')>('infrastructure/clock'),
  ...fromProductionBuild<typeof import('../../src/infrastructure/config')>('infrastructure/config'),
  ...fromProductionBuild<typeof import('../../src/infrastructure/logging/logger')>(
    'infrastructure/logging/logger',
  ),
  ...fromProductionBuild<typeof import('../../src/runtime/gateway')>('runtime/gateway'),
});
