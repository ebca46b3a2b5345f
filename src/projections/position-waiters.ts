import type { GlobalPosition } from '../infrastructure/event-store/event-store';

interface Waiter {
  position: GlobalPosition;
  settle: (reached: boolean) => void;
}

/** Callers waiting for the runner to pass a position: settled by the runner, never polled. */
export class PositionWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves true once `reached` is called with `position` or later, false after `timeoutMs`. */
  wait(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        settle: (reached) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.settle(false), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  reached(applied: GlobalPosition): void {
    for (const waiter of this.waiters) if (waiter.position <= applied) waiter.settle(true);
  }

  /** Settles every waiter with false: the position will not be reached. */
  abandon(): void {
    for (const waiter of this.waiters) waiter.settle(false);
  }
}
