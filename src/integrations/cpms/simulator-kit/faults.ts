import type { RequestHandler } from 'express';

/** What the next calls to a simulated CPMS suffer: an HTTP status, or no answer at all. */
export type Fault =
  { kind: 'status'; status: 401 | 429 | 500 | 502 | 503; body?: unknown } | { kind: 'hang'; ms: number };

interface Pending {
  fault: Fault;
  remaining: number;
  /** Only calls whose path matches; all calls when absent. */
  path?: RegExp;
}

/** Injected failures, consumed in order by the calls they match. */
export class FaultPlan {
  private pending: Pending[] = [];
  private readonly hanging = new Set<NodeJS.Timeout>();

  /** The next `count` calls (matching `path` when given) fail with `fault`. */
  failNext(count: number, fault: Fault, path?: RegExp): void {
    this.pending.push({ fault, remaining: count, ...(path ? { path } : {}) });
  }

  clear(): void {
    this.pending = [];
    for (const timer of this.hanging) clearTimeout(timer);
    this.hanging.clear();
  }

  /** Express middleware: answers with the API's error shape, or holds the request without an answer. */
  middleware(errorBody: (status: number) => unknown): RequestHandler {
    return (req, res, next) => {
      const entry = this.pending.find((item) => !item.path || item.path.test(req.path));
      if (!entry) return next();
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.pending = this.pending.filter((item) => item !== entry);
      if (entry.fault.kind === 'hang') {
        const timer = setTimeout(() => {
          this.hanging.delete(timer);
          if (!res.headersSent) res.status(504).json(errorBody(504));
        }, entry.fault.ms);
        timer.unref();
        this.hanging.add(timer);
        return;
      }
      if (entry.fault.status === 429) res.setHeader('Retry-After', '1');
      res.status(entry.fault.status).json(entry.fault.body ?? errorBody(entry.fault.status));
    };
  }
}
