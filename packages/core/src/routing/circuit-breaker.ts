/** When a deployment's breaker trips, and how it recovers. */
export interface CircuitBreakerOptions {
  /** Trip after this many failures in a row; default 5 (Envoy's default). */
  consecutiveFailures?: number;
  /** Or trip when this fraction of recent attempts failed; default 0.5. */
  failureRatio?: number;
  /** ... but only with at least this many attempts in the window; default 20. */
  minimumRequests?: number;
  /** The ratio's window, milliseconds; default 30 000. */
  windowMs?: number;
  /** First open period, milliseconds; each re-open doubles it; default 5 000. */
  openMs?: number;
  /** Longest open period, milliseconds; default 300 000. */
  maxOpenMs?: number;
  /** Probe attempts let through at once while half-open; default 1. */
  halfOpenProbes?: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

const BUCKETS = 10;

/**
 * A per-deployment circuit breaker, written here rather than taken from cockatiel: Loom records
 * outcomes apart from executing calls (a stream succeeds at its first chunk, a 400 must not count,
 * the router asks "may this deployment take traffic?" while ranking), which cockatiel's
 * execute()-wrapping policy does not fit.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutive = 0;
  private reopenings = 0;
  private openUntil = 0;
  private probes = 0;
  private readonly successes = new Array<number>(BUCKETS).fill(0);
  private readonly failures = new Array<number>(BUCKETS).fill(0);
  private bucketStart = 0;
  private bucket = 0;
  private readonly options: Required<CircuitBreakerOptions>;

  constructor(
    options: CircuitBreakerOptions = {},
    private readonly onChange: (state: CircuitState, reason: string) => void = () => {},
  ) {
    this.options = {
      consecutiveFailures: options.consecutiveFailures ?? 5,
      failureRatio: options.failureRatio ?? 0.5,
      minimumRequests: options.minimumRequests ?? 20,
      windowMs: options.windowMs ?? 30_000,
      openMs: options.openMs ?? 5_000,
      maxOpenMs: options.maxOpenMs ?? 300_000,
      halfOpenProbes: options.halfOpenProbes ?? 1,
    };
  }

  /** The state now; an open breaker whose time is up becomes half-open. */
  current(now: number): CircuitState {
    if (this.state === 'open' && now >= this.openUntil) {
      this.state = 'half-open';
      this.probes = 0;
      this.onChange('half-open', 'open period elapsed; letting probes through');
    }
    return this.state;
  }

  /** Whether an attempt may go to this deployment now. */
  allows(now: number): boolean {
    const state = this.current(now);
    if (state === 'closed') return true;
    return state === 'half-open' && this.probes < this.options.halfOpenProbes;
  }

  /** Milliseconds until the breaker lets traffic through again (0 when it does now). */
  retryAfterMs(now: number): number {
    return this.state === 'open' ? Math.max(0, this.openUntil - now) : 0;
  }

  /** An attempt starts; in half-open it takes one of the probe slots. */
  attemptStarted(now: number): void {
    if (this.current(now) === 'half-open') this.probes += 1;
  }

  succeeded(now: number): void {
    this.count(now, true);
    this.consecutive = 0;
    if (this.state === 'half-open') {
      this.state = 'closed';
      this.reopenings = 0;
      this.onChange('closed', 'a probe succeeded');
    }
  }

  failed(now: number): void {
    this.count(now, false);
    this.consecutive += 1;
    if (this.state === 'half-open') {
      this.open(now, 'a probe failed');
      return;
    }
    if (this.state !== 'closed') return;
    if (this.consecutive >= this.options.consecutiveFailures) {
      this.open(now, `${this.consecutive} consecutive failures`);
      return;
    }
    const failures = this.failures.reduce((sum, n) => sum + n, 0);
    const total = failures + this.successes.reduce((sum, n) => sum + n, 0);
    if (total >= this.options.minimumRequests && failures / total >= this.options.failureRatio) {
      this.open(now, `${failures} of ${total} attempts failed`);
    }
  }

  private open(now: number, reason: string): void {
    const period = Math.min(this.options.openMs * 2 ** this.reopenings, this.options.maxOpenMs);
    this.reopenings += 1;
    this.state = 'open';
    this.openUntil = now + period;
    this.consecutive = 0;
    this.successes.fill(0);
    this.failures.fill(0);
    this.onChange('open', `${reason}; open for ${period} ms`);
  }

  private count(now: number, ok: boolean): void {
    const width = this.options.windowMs / BUCKETS;
    if (now - this.bucketStart >= width) {
      const steps = Math.min(BUCKETS, Math.floor((now - this.bucketStart) / width));
      for (let i = 0; i < steps; i++) {
        this.bucket = (this.bucket + 1) % BUCKETS;
        this.successes[this.bucket] = 0;
        this.failures[this.bucket] = 0;
      }
      this.bucketStart = now - ((now - this.bucketStart) % width);
    }
    if (ok) this.successes[this.bucket]! += 1;
    else this.failures[this.bucket]! += 1;
  }
}
