import type { GlobalPosition } from '../infrastructure/event-store/event-store';
import { ProjectionCheckpoints } from './projection-checkpoints';
import type { ReadModelFreshness } from './read-model-freshness';

const POLL_MS = 10;

/** For an API process whose projector runs elsewhere: watches the projector's stored checkpoint. */
export const checkpointFreshness = (checkpoints: ProjectionCheckpoints): ReadModelFreshness => ({
  async waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoint = await checkpoints.load();
      if (checkpoint && checkpoint.position >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  },
});
