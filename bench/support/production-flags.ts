import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The node flags the gateway runs with in production (`npm start`, the Dockerfile's entry point), from
 * package.json's `config.nodeFlags`: a bench starts its gateway with them, so it measures what runs.
 * `BENCH_GATEWAY_FLAGS`, when set (even empty), replaces them.
 */
export const gatewayNodeFlags = (): string[] => {
  const override = process.env.BENCH_GATEWAY_FLAGS;
  if (override !== undefined) return override.split(' ').filter(Boolean);
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    config?: { nodeFlags?: string };
  };
  return (manifest.config?.nodeFlags ?? '').split(' ').filter(Boolean);
};
