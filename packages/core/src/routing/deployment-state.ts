import type { LoomError } from '../errors/loom-error.js';
import type { LoadSignal } from '../spec/provider/v1/load-signal.js';
import type { Deployment } from '../spec/routing/deployment.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
} from './circuit-breaker.js';

const SAMPLES = 512;
// Peak-EWMA decay (Finagle/Linkerd style): a slow sample counts at once, fast ones pull the
// estimate down over about this many milliseconds.
const DECAY_MS = 10_000;

/** A fixed ring of recent samples, for percentiles computed when someone asks. */
class SampleRing {
  private readonly values = new Float64Array(SAMPLES);
  private size = 0;
  private next = 0;

  add(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % SAMPLES;
    if (this.size < SAMPLES) this.size += 1;
  }

  percentiles(): { p50?: number; p95?: number; p99?: number } {
    if (this.size === 0) return {};
    const sorted = this.values.slice(0, this.size).sort();
    const at = (p: number) => sorted[Math.min(this.size - 1, Math.floor(p * this.size))];
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}

class PeakEwma {
  value?: number;
  private at = 0;
  /** A prior is replaced outright by the first real sample (a peak filter would keep a high one). */
  private prior = false;

  seed(value: number): void {
    this.value = value;
    this.prior = true;
  }

  observe(sample: number, now: number): void {
    if (this.value === undefined || this.prior || sample > this.value) {
      this.prior = false;
      this.value = sample;
    } else {
      const weight = Math.exp(-(now - this.at) / DECAY_MS);
      this.value = this.value * weight + sample * (1 - weight);
    }
    this.at = now;
  }
}

/** What the router knows about one deployment: health, load, latency, outcomes. */
export class DeploymentState {
  readonly breaker: CircuitBreaker;
  inFlight = 0;
  successes = 0;
  failures = 0;
  readonly errors: Record<string, number> = {};
  lastError?: { code: string; message: string; at: number };
  /** No traffic until then (epoch ms): auth failures, quota, rate limits. */
  cooldownUntil = 0;
  cooldownReason?: string;
  /** When the last real request went to it while its provider's health check said down. */
  trafficProbeAt = Number.NEGATIVE_INFINITY;
  load?: LoadSignal;
  loadRequestedAt = 0;
  /** Last time the router looked at this deployment, epoch ms; the longest idle are forgotten first. */
  lastUsed = 0;
  readonly latency = new PeakEwma();
  readonly firstChunk = new PeakEwma();
  readonly latencySamples = new SampleRing();
  readonly firstChunkSamples = new SampleRing();

  constructor(
    readonly deployment: Deployment,
    breaker: CircuitBreakerOptions | undefined,
    onCircuitChange: (state: CircuitState, reason: string) => void,
  ) {
    this.breaker = new CircuitBreaker(breaker, onCircuitChange);
  }

  /** Fraction of attempts that succeeded, 1 when there were none. */
  successRate(): number {
    const total = this.successes + this.failures;
    return total === 0 ? 1 : this.successes / total;
  }

  recordSuccess(durationMs: number, now: number): void {
    this.successes += 1;
    this.latency.observe(durationMs, now);
    this.latencySamples.add(durationMs);
  }

  recordFirstChunk(ms: number, now: number): void {
    this.firstChunk.observe(ms, now);
    this.firstChunkSamples.add(ms);
  }

  recordFailure(error: LoomError, now: number): void {
    this.failures += 1;
    this.errors[error.code] = (this.errors[error.code] ?? 0) + 1;
    this.lastError = { code: error.code, message: error.message, at: now };
  }

  coolDown(until: number, reason: string): void {
    if (until > this.cooldownUntil) {
      this.cooldownUntil = until;
      this.cooldownReason = reason;
    }
  }
}
