import type { GlobalPosition } from '../infrastructure/event-store/event-store';

/**
 * Read-your-writes: lets a GET wait, bounded, until the read models have applied a position.
 * In one process it listens to the runner; in an API-only process it watches the stored checkpoint.
 */
export interface ReadModelFreshness {
  waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean>;
}
