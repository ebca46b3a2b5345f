/** The simulated calls, by what the client is doing. */
export type SimulatedOperation = 'token' | 'endsession' | 'balances' | 'estimate' | 'transaction' | 'lookup';

const DIRECT_PAYMENT: readonly SimulatedOperation[] = ['balances', 'estimate', 'transaction', 'lookup'];

export type Fault =
  | { kind: 'fail'; httpStatus: number; code: string | null }
  | { kind: 'hang' }
  /** Process the payment, then never answer. */
  | { kind: 'record_then_hang' };

interface QueuedFault {
  /** Undefined: any Direct Payment call (balances, estimate, transaction, lookup). */
  operation: SimulatedOperation | undefined;
  remaining: number;
  fault: Fault;
}

/** Failures tests ask for, taken in order by the calls they apply to; it also counts every call. */
export class FaultQueue {
  private readonly queued: QueuedFault[] = [];
  private readonly received = new Map<SimulatedOperation, number>();

  add(operation: SimulatedOperation | undefined, count = 1, fault: Fault): void {
    this.queued.push({ operation, remaining: count, fault });
  }

  calls(operation: SimulatedOperation): number {
    return this.received.get(operation) ?? 0;
  }

  /** Called once per request: the fault it must suffer, if any. */
  take(operation: SimulatedOperation): Fault | undefined {
    this.received.set(operation, this.calls(operation) + 1);
    const index = this.queued.findIndex((queued) =>
      queued.operation === undefined ? DIRECT_PAYMENT.includes(operation) : queued.operation === operation,
    );
    const queued = this.queued[index];
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.queued.splice(index, 1);
    return queued.fault;
  }
}
