import type { KernelRequestContext } from './request-context.js';

/** Requests under way, with a way to wait until there are none (for draining on stop). */
export class InFlight {
  private readonly contexts = new Set<KernelRequestContext>();
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.contexts.size;
  }

  add(context: KernelRequestContext): void {
    this.contexts.add(context);
  }

  delete(context: KernelRequestContext): void {
    if (!this.contexts.delete(context) || this.contexts.size > 0 || this.waiters.length === 0)
      return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Aborts every request under way with `reason`. */
  abortAll(reason: unknown): number {
    const count = this.contexts.size;
    for (const context of [...this.contexts]) context.abort(reason);
    return count;
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.contexts.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((wake) => wake !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}
