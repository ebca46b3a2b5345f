import type {
  AdapterHealthSnapshot,
  AdapterState,
  CircuitState,
  StationAdapterType,
} from '../station-adapter';

/** Thresholds of docs/decisions/0028-cpms-adapters.md. */
export const HEALTH_THRESHOLDS = {
  /** Calls kept: the last `windowSize` within `windowMs`. */
  windowSize: 20,
  windowMs: 5 * 60_000,
  /** This many failures in a row: down. */
  downAfterConsecutiveFailures: 3,
  /** An error rate from here on: degraded. */
  degradedErrorRate: 0.2,
  /** A p95 latency above this: degraded. */
  degradedP95Ms: 2000,
} as const;

interface Sample {
  at: number;
  latencyMs: number;
  ok: boolean;
}

const percentile = (sorted: number[], p: number): number | null => {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
};

/** A rolling window of an adapter's calls, summarised as up / degraded / down. */
export class HealthTracker {
  private samples: Sample[] = [];
  private consecutiveFailures = 0;
  private lastSuccessAt: number | null = null;
  private lastError: { at: number; code: string; message: string } | null = null;

  constructor(
    private readonly adapterType: StationAdapterType,
    private readonly now: () => number,
  ) {}

  recordSuccess(latencyMs: number): void {
    const at = this.now();
    this.push({ at, latencyMs, ok: true });
    this.consecutiveFailures = 0;
    this.lastSuccessAt = at;
  }

  recordFailure(latencyMs: number, code: string, message: string): void {
    const at = this.now();
    this.push({ at, latencyMs, ok: false });
    this.consecutiveFailures += 1;
    this.lastError = { at, code, message };
  }

  snapshot(circuit: CircuitState, tokenExpiresAt: Date | null = null): AdapterHealthSnapshot {
    const recent = this.recent();
    const failures = recent.filter((sample) => !sample.ok).length;
    const errorRate = recent.length === 0 ? 0 : failures / recent.length;
    const latencies = recent.map((sample) => sample.latencyMs).sort((a, b) => a - b);
    const latencyMs = {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    };
    return {
      adapterType: this.adapterType,
      state: this.stateOf(circuit, errorRate, latencyMs.p95),
      lastSuccessAt: this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
      lastError: this.lastError && { ...this.lastError, at: new Date(this.lastError.at).toISOString() },
      latencyMs,
      errorRate,
      requestsInWindow: recent.length,
      circuit,
      tokenExpiresAt: tokenExpiresAt?.toISOString() ?? null,
    };
  }

  private stateOf(circuit: CircuitState, errorRate: number, p95: number | null): AdapterState {
    if (circuit === 'open') return 'down';
    // Half open: a trial call is allowed; the CPMS may be back, so not down until the trial fails.
    if (circuit === 'half_open') return 'degraded';
    if (this.consecutiveFailures >= HEALTH_THRESHOLDS.downAfterConsecutiveFailures) return 'down';
    if (
      this.consecutiveFailures > 0 ||
      errorRate >= HEALTH_THRESHOLDS.degradedErrorRate ||
      (p95 !== null && p95 > HEALTH_THRESHOLDS.degradedP95Ms)
    )
      return 'degraded';
    return 'up';
  }

  private recent(): Sample[] {
    const since = this.now() - HEALTH_THRESHOLDS.windowMs;
    return this.samples.filter((sample) => sample.at >= since);
  }

  private push(sample: Sample): void {
    this.samples.push(sample);
    if (this.samples.length > HEALTH_THRESHOLDS.windowSize) this.samples.shift();
  }
}
