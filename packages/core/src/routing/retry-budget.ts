/** How many retries the router may spend. */
export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of requests in the window; default 0.2 (Envoy's 20 %). */
  ratio?: number;
  /** Retries always allowed per window, however few requests; default 3. */
  minRetries?: number;
  /** The window, milliseconds; default 10 000. */
  windowMs?: number;
}

const BUCKETS = 10;

/**
 * A retry budget over a rolling window: retries ≤ ratio × requests + minRetries. Counting retries
 * against requests (not against concurrency) bounds the upstream hits of an outage at about
 * requests × (1 + ratio) + minRetries, so an outage cannot become a retry storm.
 */
export class RetryBudget {
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  private bucket = 0;
  private bucketStart = 0;
  private readonly ratio: number;
  private readonly minRetries: number;
  private readonly width: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.ratio = options.ratio ?? 0.2;
    this.minRetries = options.minRetries ?? 3;
    this.width = (options.windowMs ?? 10_000) / BUCKETS;
  }

  /** A new request arrived. */
  request(now: number): void {
    this.rotate(now);
    this.requests[this.bucket]! += 1;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(now: number): boolean {
    this.rotate(now);
    const requests = this.requests.reduce((sum, n) => sum + n, 0);
    const retries = this.retries.reduce((sum, n) => sum + n, 0);
    if (retries + 1 > this.ratio * requests + this.minRetries) return false;
    this.retries[this.bucket]! += 1;
    return true;
  }

  private rotate(now: number): void {
    if (now - this.bucketStart < this.width) return;
    const steps = Math.min(BUCKETS, Math.floor((now - this.bucketStart) / this.width));
    for (let i = 0; i < steps; i++) {
      this.bucket = (this.bucket + 1) % BUCKETS;
      this.requests[this.bucket] = 0;
      this.retries[this.bucket] = 0;
    }
    this.bucketStart = now - ((now - this.bucketStart) % this.width);
  }
}
