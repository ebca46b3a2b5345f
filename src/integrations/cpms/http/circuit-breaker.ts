import type { AdapterCircuitBreaker, CircuitState } from '../station-adapter';

/**
 * Closed: calls pass; `failureThreshold` consecutive failures open it. Open: calls are refused at once
 * until `resetMs` has passed, then one trial call goes through (half open): its success closes the
 * circuit, its failure opens it again for another `resetMs`.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly settings: () => AdapterCircuitBreaker,
    private readonly now: () => number,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.settings().resetMs ? 'half_open' : 'open';
  }

  /** Whether a call may go out now; in half open only one trial at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  recordFailure(): void {
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    this.consecutiveFailures += 1;
    if (wasTrial || this.consecutiveFailures >= this.settings().failureThreshold) this.openedAt = this.now();
  }

  /** A call that went out but says nothing about the CPMS's health (e.g. a token refresh retry). */
  release(): void {
    this.trialInFlight = false;
  }
}
