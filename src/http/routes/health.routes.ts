import { Router, type RequestHandler } from 'express';
import type { Metrics } from '../../infrastructure/metrics/metrics';

export interface HealthCheck {
  name: string;
  componentType: 'datastore' | 'component' | 'system';
  /** Resolves when healthy; rejects (or times out) when not. */
  check: () => Promise<void>;
  /**
   * Shown in /health/detailed but never failing the gateway: a partner's trouble (a CPMS down) must not
   * make an orchestrator restart or unroute a gateway that is itself fine.
   */
  informational?: boolean;
}

interface CheckResult {
  name: string;
  componentType: string;
  /** `warn` is an informational check's failure. */
  status: 'pass' | 'warn' | 'fail';
  latencyMs: number;
  output?: string;
  time: string;
}

const CHECK_TIMEOUT_MS = 2000;

const withTimeout = (promise: Promise<void>, ms: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      () => (clearTimeout(timer), resolve()),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });

const run = async (check: HealthCheck): Promise<CheckResult> => {
  const started = performance.now();
  const time = new Date().toISOString();
  try {
    await withTimeout(check.check(), CHECK_TIMEOUT_MS);
    return {
      name: check.name,
      componentType: check.componentType,
      status: 'pass',
      latencyMs: performance.now() - started,
      time,
    };
  } catch (error) {
    return {
      name: check.name,
      componentType: check.componentType,
      status: check.informational ? 'warn' : 'fail',
      latencyMs: performance.now() - started,
      // Only the error's message: connection strings and credentials stay out of public answers.
      output: error instanceof Error ? error.message.split('\n')[0] : 'failed',
      time,
    };
  }
};

export const publicHealthRoutes = (checks: readonly HealthCheck[]): Router => {
  const router = Router();
  const pass: RequestHandler = (_req, res) => void res.json({ status: 'pass' });
  router.get('/health', pass);
  router.get('/health/live', pass);
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(checks.filter((check) => !check.informational).map(run));
    const failed = results.filter((result) => result.status === 'fail');
    res.status(failed.length ? 503 : 200).json({
      status: failed.length ? 'fail' : 'pass',
      checks: Object.fromEntries(results.map((result) => [result.name, result.status])),
    });
  });
  return router;
};

export const protectedHealthRoutes = (
  checks: readonly HealthCheck[],
  metrics: Metrics,
  version: string,
): Router => {
  const router = Router();
  router.get('/health/detailed', async (_req, res) => {
    const results = await Promise.all(checks.map(run));
    const failing = results.some((result) => result.status === 'fail');
    res
      .status(failing ? 503 : 200)
      .type('application/health+json')
      .send(
        JSON.stringify({
          status: failing ? 'fail' : 'pass',
          version,
          serviceId: 'edgepay-gateway',
          description: 'EdgePay Edge Gateway',
          checks: Object.fromEntries(
            results.map((result) => [
              `${result.name}:responseTime`,
              [
                {
                  componentType: result.componentType,
                  status: result.status,
                  observedValue: Math.round(result.latencyMs * 1000) / 1000,
                  observedUnit: 'ms',
                  time: result.time,
                  ...(result.output ? { output: result.output } : {}),
                },
              ],
            ]),
          ),
        }),
      );
  });
  router.get('/metrics', metricsHandler(metrics));
  return router;
};

/** The Prometheus exposition of this process's registry. */
export const metricsHandler =
  (metrics: Metrics): RequestHandler =>
  async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
